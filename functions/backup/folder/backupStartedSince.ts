import * as fs from 'node:fs/promises';
import type { Backup } from '../dump/BackupCreator.js';
import type { BackupFolder } from './BackupFolder.js';
import { backupsOf } from './backupsOf.js';

/** When a request arrived: the folder's backup generation then, and (from its gateway) the time. */
export interface Arrival {
  /** BackupGeneration's value when the request reached this API. */
  generation: number;
  /** When the request reached its gateway (requestTimeEpoch), by that host's clock; only for a run of `generation` itself. */
  atMs?: number;
}

/**
 * The first backup of `database` in `dir` whose dump began after the request arrived — one of a later
 * generation, or of the generation current at arrival when it began after the gateway's arrival time
 * (a request that waited in a gateway queue reaches the API after the run it waited for began).
 * `dumpedOnly` (a request for a real dump) passes over backups made from an earlier one.
 * Only a backup the creator recorded counts (its manifest entry has a checksum): a file merely named
 * like one never answers a request. Undefined when there is none. A published backup is whole, so no
 * lock is needed to read one.
 */
export async function backupStartedSince(
  folder: BackupFolder,
  database: string,
  arrival: Arrival,
  { dumpedOnly = false }: { dumpedOnly?: boolean } = {},
): Promise<Backup | undefined> {
  const { manifest } = folder;
  for (const candidate of await backupsOf(folder, database)) {
    const entry = await manifest.entry(candidate.file);
    if (!entry.sha256 || entry.generation === undefined) continue;
    // A request for a real dump is not answered by a backup made from an earlier one.
    if (dumpedOnly && entry.origin?.madeFrom) continue;
    const later = entry.generation > arrival.generation;
    const sameRunAfterArrival =
      entry.generation === arrival.generation &&
      arrival.atMs !== undefined &&
      entry.startedAtMs !== undefined &&
      entry.startedAtMs >= arrival.atMs;
    if (!later && !sameRunAfterArrival) continue;
    const path = folder.path(candidate.file);
    return {
      file: candidate.file,
      path,
      bytes: (await fs.stat(path)).size,
      sha256: entry.sha256,
      startedAt: candidate.takenAt.toISOString(),
      durationMs: entry.durationMs ?? 0,
      contents: { rows: entry.contents?.rows ?? {}, largeObjects: entry.contents?.largeObjects ?? 0 },
      // Its name says whether it is encrypted; how many keys it was encrypted to only its own run knew.
      ...(candidate.file.endsWith('.age') ? { encrypted: true as const } : {}),
      ...(entry.origin?.madeFrom ? { unchangedSince: entry.origin.madeFrom } : {}),
    };
  }
  return undefined;
}
