import { basename } from 'node:path';
import type { AgeIdentity } from '../encryption/readIdentityFile.js';
import type { BackupManifest, Verification } from '../folder/BackupManifest.js';
import { checksumBeside } from '../folder/checksumBeside.js';
import type { DumpFacts } from '../sql/DumpScanner.js';
import { scanDumpFile } from '../sql/scanDumpFile.js';
import { compareSections } from './compareSections.js';
import type { ScratchDatabase } from './ScratchDatabase.js';

export interface VerifyResult extends Verification {
  file: string;
  path: string;
  /** Tables, rows and large objects of the restored database (when it got that far). */
  restored?: { tables: number; rows: number; largeObjects: number };
  /**
   * What the restore proved: `everything` (dumping the restored database again gave the backup's bytes),
   * `data` (its table data and sequences; the backup's schema was worded by another pg_dump version), or
   * `rows` (the rows of each table: the scratch database's pg_dump writes rows another way, INSERT for COPY).
   */
  proved?: 'everything' | 'data' | 'rows';
  /**
   * Its contents could not be proven, which says nothing against it: the scratch database could not be
   * had (server down, no CREATEDB, another encoding), or it is encrypted and no identity given opens it.
   */
  unverified?: boolean;
  /**
   * Encrypted (`.age`) and verified without an identity: its sha256 is as recorded (`ok`), its contents
   * were not read (`unverified`). Nothing is wrong with it; `verify --identity` proves the rest.
   */
  sealed?: boolean;
  durationMs: number;
}

/** Errors of the scratch database itself, not of the backup. */
const SCRATCH_PROBLEMS = new Set(['DATABASE_UNAVAILABLE', 'TARGET_REFUSED', 'SCRATCH_UNSUITABLE']);
/**
 * What the scratch database's server or role could not do that the backup's own server could: a role
 * without the privileges the backup's objects need, an extension the server lacks, a lock table too
 * small for one transaction. Nothing is known of the backup then, so it is not failed.
 */
const SCRATCH_LIMITS =
  /must be member of role|permission denied|must be owner|must be superuser|extension "[^"]*" is not available|could not open extension control file|out of shared memory/;

/**
 * Proves one backup without touching any real database. First that it is the file that was written:
 * its sha256 (recorded in SHA256SUMS beside it), and each section's digest and the rows recorded when it
 * was written (naming the first table or object that differs). Then that it restores to exactly itself:
 * restored into a scratch database, which is dumped again with the same pg_dump; the two dumps must be
 * the same bytes, section by section (pg_dump's random `\restrict` key aside). Returns `ok` or what differs.
 * An encrypted (`.age`) backup is decrypted in the stream with `identity`; without one only its sha256
 * is checked (`sealed`: ok, its contents unverified).
 */
export async function verifyBackup(
  path: string,
  manifest: Pick<BackupManifest, 'entry'>,
  scratch: ScratchDatabase,
  clock: () => Date = () => new Date(),
  identity?: AgeIdentity,
): Promise<VerifyResult> {
  const started = performance.now();
  const file = basename(path);
  const done = (problems: string[], more: Partial<VerifyResult> = {}): VerifyResult => ({
    file,
    path,
    at: clock().toISOString(),
    ok: problems.length === 0,
    problems,
    ...more,
    durationMs: Math.round(performance.now() - started),
  });
  const recorded = await manifest.entry(file);
  const sha256 = recorded.sha256 ?? (await checksumBeside(path));
  if (!sha256) return done(['no checksum was recorded for it (no entry in SHA256SUMS): it cannot be proven unchanged']);
  const read = await scanDumpFile(path, identity);
  const sections = recorded.contents?.sections;
  // Contents not read (encrypted, no identity that opens it): there is nothing to say where it differs.
  const unread = read.decryption !== undefined && read.problem === undefined;
  if (read.sha256 !== sha256) {
    const where = unread
      ? undefined
      : (shapeProblem(read.facts) ?? (sections ? compareSections(sections, read.facts.sections, 'the file now') : undefined));
    return done([
      `its sha256 is not the one recorded when it was written (changed or damaged since): recorded ${sha256}, now ${read.sha256}` +
        (where ? `; ${where}` : ''),
    ]);
  }
  if (unread) {
    // The file is the one written; what it holds is not known, which is no fault of the backup's: nothing is recorded against it.
    if (read.decryption!.code === 'IDENTITY_NEEDED') return done([], { unverified: true, sealed: true });
    return done([`its sha256 is as recorded, its contents could not be checked: ${read.decryption!.message}`], { unverified: true });
  }
  const facts = read.facts;
  const damaged = read.problem ?? shapeProblem(facts);
  if (damaged) return done([damaged]);
  // The same sha256 and yet not what was recorded: the file and its SHA256SUMS line were changed together.
  const unlike =
    (sections && compareSections(sections, facts.sections, 'the file')) ??
    (recorded.contents && rowsDiffer(recorded.contents.rows, facts.rows, 'when written', 'in the file'));
  if (unlike) return done([`it is not what was written, though its sha256 matches SHA256SUMS (both changed?): ${unlike}`]);
  let redump: DumpFacts;
  try {
    redump = await scratch.restoreAndRedump(path, read, identity);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const message = (error as Error).message;
    if (SCRATCH_PROBLEMS.has(code)) {
      const why = code === 'SCRATCH_UNSUITABLE' ? message : `no scratch database (${message})`;
      return done([`it could not be verified: ${why}`], { unverified: true });
    }
    if (SCRATCH_LIMITS.test(message)) {
      return done(
        [
          `it could not be verified: the scratch database cannot take it (${message}); verify as a superuser on a server like the backup's ` +
            '(out of shared memory: raise max_locks_per_transaction)',
        ],
        { unverified: true },
      );
    }
    return done([`it does not restore: ${(error as Error).message}`]);
  }
  const proved = facts.dumpedBy === redump.dumpedBy ? 'everything' : facts.usesInserts === redump.usesInserts ? 'data' : 'rows';
  const differs =
    proved === 'rows'
      ? rowsDiffer(facts.rows, redump.rows, 'in the backup', 'after the restore')
      : compareSections(facts.sections, redump.sections, 'a dump of the restored database', { dataOnly: proved === 'data' });
  const restored = {
    // An INSERT dump names no table without rows: the tables are those of either dump.
    tables: Object.keys({ ...facts.rows, ...redump.rows }).length,
    rows: Object.values(redump.rows).reduce((sum, n) => sum + n, 0),
    largeObjects: redump.largeObjects,
  };
  if (differs) return done([`it does not restore to what it holds: ${differs}`], { restored });
  return done([], { restored, proved });
}

/** What is wrong with the file's shape, if anything: not a pg_dump, or cut short. */
function shapeProblem(facts: DumpFacts): string | undefined {
  if (!facts.isPgDump) return 'it is not a plain pg_dump backup (no "-- PostgreSQL database dump" header)';
  if (!facts.complete) {
    const last = facts.sections.at(-1);
    return `it is cut short: it ends at line ${facts.lines}${last ? `, in ${last.title}` : ''}, without pg_dump's completion marker`;
  }
  return undefined;
}

/** The first table whose row count differs, in words: `table public.notes: 1000 rows when written, 1234 in the file`. */
function rowsDiffer(expected: Record<string, number>, actual: Record<string, number>, was: string, is: string): string | undefined {
  for (const table of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    if ((expected[table] ?? 0) !== (actual[table] ?? 0))
      return `table ${table}: ${expected[table] ?? 0} rows ${was}, ${actual[table] ?? 0} ${is}`;
  }
  return undefined;
}
