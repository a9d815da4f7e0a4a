import type { BigIntStats } from 'node:fs';

/**
 * A backup file as it was when its sha256 was last computed from its bytes: its inode, size and
 * modification time (nanoseconds). A write through the filesystem changes the time (or the size);
 * renames and links do not, so the names of one file share its stamp (docs/instant-backups.md).
 */
export interface FileStamp {
  ino: string;
  size: number;
  mtimeNs: string;
}

/** The stamp of a file from `stat(…, { bigint: true })`. */
export function stampOf(stats: BigIntStats): FileStamp {
  return { ino: String(stats.ino), size: Number(stats.size), mtimeNs: String(stats.mtimeNs) };
}

/** Whether `recorded` (possibly garbled by hand) is exactly `now`. Pure. */
export function sameStamp(recorded: unknown, now: FileStamp): boolean {
  const stamp = recorded as Partial<FileStamp> | undefined;
  return typeof stamp === 'object' && stamp !== null && stamp.ino === now.ino && stamp.size === now.size && stamp.mtimeNs === now.mtimeNs;
}
