import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../functions/config/packageRoot.js';
import type { Command } from './Command.js';
import { COMMAND_DOCS } from './commandDocs.js';
import { COMMANDS } from './commands.js';
import { usageLine } from './usageLine.js';

const inFile = (file: string, block: RegExp) => readFileSync(join(packageRoot(), file), 'utf8').match(block)?.[0];
const [readmeList, docsTable] = COMMAND_DOCS;
const archive: Command = {
  name: 'archive',
  args: '<id>',
  summary: 'archive a note <quickly> | for good',
  example: 'archive 12',
  flags: ['json'],
  minArgs: 1,
  maxArgs: 1,
  run: async () => undefined,
};

describe.each(COMMAND_DOCS.map((doc) => [doc.file, doc] as const))('the commands in %s', (file, doc) => {
  it('are the ones made from COMMANDS (else run npm run docs:commands)', () => {
    expect(inFile(file, doc.block)?.split('\n')).toEqual(doc.text().split('\n'));
  });

  it('get a new command, so the file is out of date until it is written again', () => {
    const text = doc.text([...COMMANDS, archive]);

    expect(text).toContain('archive <id>');
    expect(text).not.toEqual(inFile(file, doc.block));
  });
});

describe('the generated command docs', () => {
  it('list every command in the README in lines of at most 100 characters, in a code block, without --json', () => {
    const lines = readmeList!.text().split('\n');
    const list = lines.slice(lines.indexOf('```') + 1, lines.lastIndexOf('```'));

    expect(list.join(' · ').split(' · ')).toEqual(COMMANDS.map((command) => usageLine(command, { json: false })));
    expect(list.join(' ')).not.toContain('--json');
    expect(Math.max(...list.map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it('write one table row per command in docs/notes-app.md, padded as Biome formats Markdown', () => {
    const lines = docsTable!.text().split('\n').slice(2, -2);

    expect(lines).toHaveLength(COMMANDS.length + 2);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\| -+ \| -+ \|$/);
  });

  it('keep Markdown from reading placeholders as HTML and pipes as columns', () => {
    const row = docsTable!.text([archive]).split('\n')[4]!;

    expect(row.replace(/ {2,}/g, ' ')).toBe('| `archive <id>` | archive a note `<quickly>` \\| for good |');
  });
});
