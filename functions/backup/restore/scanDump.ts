import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { RowCounter } from '../verify/RowCounter.js';

/** What a restore needs to know about a plain dump before running it. */
export interface DumpScan {
  /** Roles the dump refers to (owners, grantees, policy roles), which a brand-new server may not have. */
  roles: string[];
  /** The settings of the dump's `SET name = value;` preamble (`transaction_timeout`, …). */
  settings: string[];
  /** Rows per table of the dump's `COPY … FROM stdin` blocks and `INSERT INTO` statements. */
  rows: Record<string, number>;
  largeObjects: number;
  /** The file starts like a plain pg_dump (its `-- PostgreSQL database dump` header). */
  isPgDump: boolean;
}

/** A dump file's lines, gunzipped when the name ends in `.gz`; `onBytes` hears how much of the file was read. */
export function dumpLines(path: string, onBytes?: (bytes: number) => void): AsyncIterable<string> {
  const file: Readable = createReadStream(path);
  if (onBytes) file.on('data', (chunk) => onBytes(chunk.length));
  const text = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  file.on('error', (error) => text.destroy(error));
  return createInterface({ input: text, crlfDelay: Number.POSITIVE_INFINITY });
}

/** A role name as pg_dump writes it: plain, or double-quoted with `""` for a quote. */
const ROLE = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const OWNER = new RegExp(String.raw`^ALTER .* OWNER TO (${ROLE});$`);
const GRANT = new RegExp(String.raw`^(?:GRANT .* TO|REVOKE .* FROM) (${ROLE}(?:, ${ROLE})*)(?: WITH GRANT OPTION)?;$`);
const DEFAULT_PRIVILEGES = new RegExp(String.raw`^ALTER DEFAULT PRIVILEGES FOR ROLE (${ROLE})`);
const POLICY_TO = new RegExp(String.raw`^\s+TO (${ROLE}(?:, ${ROLE})*)$`);
const SET = /^SET ([a-z_.]+) = .*;$/;
const BUILT_IN = new Set(['PUBLIC', 'public', 'CURRENT_USER', 'SESSION_USER', 'CURRENT_ROLE']);

/**
 * Reads a plain dump once, line by line (a dump of any size, in constant memory), and collects what a
 * restore needs to prepare: the roles it refers to, the settings it sets, and the rows and large
 * objects it holds.
 */
export async function scanDump(lines: AsyncIterable<string>): Promise<DumpScan> {
  const roles = new Set<string>();
  const settings = new Set<string>();
  const counter = new RowCounter();
  let inPolicy = false;
  let isPgDump = false;
  let number = 0;
  const addRoles = (list: string) => {
    for (const role of list.match(new RegExp(ROLE, 'g')) ?? []) {
      const name = role.startsWith('"') ? role.slice(1, -1).replace(/""/g, '"') : role;
      if (!BUILT_IN.has(name) && !name.startsWith('pg_')) roles.add(name);
    }
  };
  for await (const line of lines) {
    if (++number <= 20 && line === '-- PostgreSQL database dump') isPgDump = true;
    // Data and quoted text are no statements: a role named in a note's text is no role of the dump.
    const kind = counter.line(line);
    if (kind !== 'sql') continue;
    const set = SET.exec(line);
    if (set) settings.add(set[1]!);
    const owner = OWNER.exec(line) ?? DEFAULT_PRIVILEGES.exec(line);
    if (owner) addRoles(owner[1]!);
    const grant = GRANT.exec(line) ?? (inPolicy ? POLICY_TO.exec(line) : null);
    if (grant) addRoles(grant[1]!);
    if (line.startsWith('CREATE POLICY ')) inPolicy = true;
    if (inPolicy && line.endsWith(';')) inPolicy = false;
  }
  return { roles: [...roles].sort(), settings: [...settings], ...counter.end(), isPgDump };
}
