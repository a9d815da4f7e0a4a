import { describe, expect, it } from '@jest/globals';
import type { Folder, Note, NoteSummary } from '../../functions/notes/NotesStore.js';
import { formatBackup, formatFolders, formatNote, formatNotes, quoteTag } from './format.js';
import { Output } from './Output.js';

const pipe = { write: () => true } as unknown as NodeJS.WritableStream;
const plain = new Output(pipe, pipe, {});

const summary = (fields: Partial<NoteSummary>): NoteSummary => ({
  id: 1,
  title: 'Milk',
  folderId: null,
  folder: null,
  status: 'active',
  tags: [],
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...fields,
});
const hostile = summary({
  title: '\u001b[31mRED\u001b[0m banana \u001b]0;pwned\u0007',
  folder: 'evil\u001b[2Jdir',
  tags: ['t\u001b]0;x\u0007ag'],
});

describe('notes, show and folders print user text without a control character', () => {
  it.each([
    ['sport', 'sport'],
    ['two words', '"two words"'],
    ['#hash', '"#hash"'],
    ['a#b', 'a#b'],
    ['say "hi"', '"say \\"hi\\""'],
    ['t\u001b]0;x\u0007ag', 't␛]0;x␇ag'],
    ['line\nbreak', '"line␊break"'],
  ])('a tag %j is shown #%s', (tag, shown) => {
    expect(quoteTag(tag)).toBe(shown);
  });

  it.each([
    [[hostile], {}, '1  active  ␛[31mRED␛[0m banana ␛]0;pwned␇ [evil␛[2Jdir] #t␛]0;x␇ag'],
    [[summary({ tags: ['#hash', 'two words'] })], {}, '1  active  Milk #"#hash" #"two words"'],
    [[], {}, 'no notes'],
    [[], { folder: 'home', tag: 'sport' }, 'no notes in home tagged sport'],
    [[], { tag: '#x' }, 'no notes tagged "#x"'],
  ])('notes: %j %j', (notes, filters, shown) => {
    expect(formatNotes(notes, plain, filters)).toBe(shown);
  });

  it('show: the title, folder and tags on one line each, the body keeping its lines and tabs only', () => {
    const note: Note = { ...hostile, body: 'x\u001b[2J banana\r\n\tline two\u0007', createdAt: hostile.updatedAt };

    expect(formatNote(note, plain)).toBe(
      [
        '#1 ␛[31mRED␛[0m banana ␛]0;pwned␇',
        'status: active    folder: evil␛[2Jdir    tags: t␛]0;x␇ag',
        'updated: 2026-12-01T10:00:00.000Z',
        '',
        'x␛[2J banana\n\tline two␇',
      ].join('\n'),
    );
  });

  it('folders: a name with escapes', () => {
    const folder: Folder = { id: 1, name: 'evil\u001b[2Jdir', parentId: null, path: 'evil\u001b[2Jdir', notes: 0 };

    expect(formatFolders([folder], plain)).toBe('evil␛[2Jdir  (0 notes)');
  });
});

describe('the exit line of a backup', () => {
  const FILE = 'notes_2026-12-06T10-00-00.000Z.sql';
  const EARLIER = 'notes_2026-12-06T09-00-00.000Z.sql';
  const rotation = {
    kept: [{ file: FILE, reasons: ['newest 5'] }],
    archived: [],
    deleted: [],
    skipped: [],
    stalePartials: [],
    futureDated: [],
    archiveCutoff: '',
  };
  const answer = (backup: Record<string, unknown>, coalesced = false) =>
    ({
      backup: { file: FILE, bytes: 10_156, sha256: 'ab', startedAt: '', contents: { rows: {}, largeObjects: 0 }, ...backup },
      rotation,
      coalesced,
    }) as never;

  it.each([
    ['a dump', answer({ durationMs: 2300 }), `Backed up ${FILE} (10.2 kB in 2.3 s); rotation: 1 kept, 0 archived, 0 deleted`],
    [
      'made from the newest backup',
      answer({ durationMs: 12, unchangedSince: EARLIER }),
      `Backed up ${FILE} (10.2 kB in 12 ms, unchanged since ${EARLIER}); rotation: 1 kept, 0 archived, 0 deleted`,
    ],
    [
      'shared, made from the newest backup',
      answer({ durationMs: 12, unchangedSince: EARLIER }, true),
      `Backed up ${FILE} (10.2 kB, unchanged since ${EARLIER}; shared: another backup that started after you asked took your changes)`,
    ],
  ])('%s', (_case, given, line) => {
    expect(formatBackup(given, plain)).toBe(line);
  });
});
