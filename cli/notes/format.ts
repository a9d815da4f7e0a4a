import type { Folder, Note, NoteSummary } from '../../functions/notes/NotesStore.js';
import type { BackupAnswer, BackupListing } from '../../functions/backup/BackupAnswer.js';
import { formatSeconds } from './ApiClient.js';
import { printable } from '../printable.js';
import type { Output } from './Output.js';

/** The folder tree, indented by depth, with note counts. */
export function formatFolders(folders: Folder[], output: Output): string {
  if (folders.length === 0) return 'no folders yet (folder add <name>)';
  return folders
    .map((folder) => {
      const depth = folder.path.split('/').length - 1;
      return `${'  '.repeat(depth)}${output.style('bold', printable(folder.name))}  ${output.style('dim', `(${folder.notes} note${folder.notes === 1 ? '' : 's'})`)}`;
    })
    .join('\n');
}

/** What `notes` and `search` were asked to keep: a folder (with its sub-folders) and a tag. */
export interface NoteFilters {
  folder?: string;
  tag?: string;
}

/** `no notes`, `no notes in home tagged sport`: an empty listing, naming its filters. */
export function noNotes({ folder, tag }: NoteFilters): string {
  return [
    'no notes',
    ...(folder === undefined ? [] : [`in ${printable(folder)}`]),
    ...(tag === undefined ? [] : [`tagged ${quoteTag(tag)}`]),
  ].join(' ');
}

/** Titles longer than this are cut in lists (`show` prints them whole). */
export const LIST_TITLE_LENGTH = 60;

/** One line per note: id, status, title (cut at 60 characters), folder, tags; `filters` name an empty list's. */
export function formatNotes(notes: NoteSummary[], output: Output, filters: NoteFilters = {}): string {
  if (notes.length === 0) return noNotes(filters);
  const idWidth = Math.max(...notes.map((note) => String(note.id).length));
  const statusWidth = Math.max(...notes.map((note) => note.status.length));
  return notes
    .map((note) => {
      const status = output.style('dim', note.status.padEnd(statusWidth));
      return `${String(note.id).padStart(idWidth)}  ${status}  ${cut(printable(note.title), LIST_TITLE_LENGTH)}${whereAndTags(note, output)}`;
    })
    .join('\n');
}

/** ` [home/groceries] #shop #"two words"`: where a note is and its tags, as lists show them after its title. */
export function whereAndTags(note: { folder: string | null; tags: string[] }, output: Output): string {
  const where = note.folder ? output.style('dim', ` [${printable(note.folder)}]`) : '';
  const tags = note.tags.length > 0 ? ` ${output.style('cyan', note.tags.map((t) => `#${quoteTag(t)}`).join(' '))}` : '';
  return `${where}${tags}`;
}

/** A note in full: title, status, folder, tags, dates and body. */
export function formatNote(note: Note, output: Output): string {
  return [
    output.style('bold', `#${note.id} ${printable(note.title)}`),
    `status: ${note.status}    folder: ${note.folder ? printable(note.folder) : '—'}    tags: ${note.tags.length > 0 ? note.tags.map(quoteTag).join(', ') : '—'}`,
    `updated: ${new Date(note.updatedAt).toISOString()}`,
    ...(note.body ? ['', printable(note.body, { multiline: true })] : []),
  ].join('\n');
}

/**
 * `Backed up notes_….sql (48.2 kB in 0.31 s); rotation: 6 kept, 1 archived, 0 deleted` (the API rotates
 * only its own database's backups, so these are this database's).
 */
export function formatBackup({ backup, rotation, verification, coalesced, offsite }: BackupAnswer, output: Output): string {
  if (coalesced) {
    const made = backup.unchangedSince ? `, unchanged since ${backup.unchangedSince}` : '';
    return `${output.style('green', 'Backed up')} ${backup.file} (${formatBytes(backup.bytes)}${made}; shared: another backup that started after you asked took your changes)`;
  }
  const rotated = rotation.problem
    ? `rotation not done (${rotation.problem.code})`
    : `rotation: ${rotation.kept.length} kept, ${rotation.archived.length} archived, ${rotation.deleted.length} deleted`;
  const verified = !verification
    ? ''
    : verification.ok
      ? `; verified (restored in ${formatSeconds(verification.durationMs)})`
      : verification.unverified
        ? `; ${output.style('yellow', `not verified: ${verification.problems.join('; ')}`)}`
        : `; ${output.style('red', `verification FAILED: ${verification.problems.join('; ')}`)}`;
  // A failed copy is the caller's warning line; an uploaded one says where it is.
  const copied = backup.offsite?.status === 'uploaded' ? `; offsite: ${backup.offsite.url} (${formatSeconds(backup.offsite.ms)})` : '';
  // How many earlier backups the catch-up copied, and how many later backups still have to copy.
  const remaining = offsite?.notOffsite ? `, ${offsite.notOffsite} still to go` : '';
  const caughtUp = offsite?.caughtUp?.length
    ? `; ${offsite.caughtUp.length === 1 ? '1 earlier backup' : `${offsite.caughtUp.length} earlier backups`} uploaded${remaining}`
    : '';
  // Made from the newest backup: the database had not changed, and the line says since which.
  const made = backup.unchangedSince ? `, unchanged since ${backup.unchangedSince}` : '';
  return `${output.style('green', 'Backed up')} ${backup.file} (${formatBytes(backup.bytes)} in ${formatSeconds(backup.durationMs)}${made}); ${rotated}${verified}${copied}${caughtUp}`;
}

/**
 * Why a backup that could have been made from the newest one is a dump: that file no longer matches
 * its checksum, and the backups that are names of the same file (made from one another) with it.
 */
export function formatPreviousDamaged(file: string): string {
  return `the newest backup ${file} no longer matches its checksum, so this one was dumped anew; the backups made from it, or it from them, are the same file: prove them with db-backup verify --all on the API's machine`;
}

export function formatBackupListing(listing: BackupListing, output: Output): string {
  const verified = (file: string) => {
    const result = listing.verified?.[file];
    if (!result) return '';
    const day = result.at.slice(0, 10);
    return result.ok
      ? `  ${output.style('green', `verified ${day}`)}`
      : `  ${output.style('red', `verification FAILED ${day}: ${result.problems[0] ?? ''}`)}`;
  };
  const offsite = (file: string) => (listing.offsite?.[file] ? `  ${output.style('dim', 'offsite')}` : '');
  const lines = [
    ...listing.kept.map(
      ({ file, reasons }) => `${file}  ${output.style('dim', `keep: ${reasons.join(', ')}`)}${verified(file)}${offsite(file)}`,
    ),
    ...listing.archived.map(
      (file) => `${file}  ${output.style('yellow', 'archived at the next rotation')}${verified(file)}${offsite(file)}`,
    ),
    ...listing.deleted.map((file) => `${file}  ${output.style('red', 'deleted at the next rotation')}`),
    ...listing.skipped.map(({ file, reason }) => `${file}  ${output.style('yellow', `stays: ${reason}`)}`),
    ...listing.futureDated.map(
      (file) => `${file}  ${output.style('yellow', 'future-dated (a clock ran ahead): left alone by every rule')}`,
    ),
  ];
  if (lines.length > 0) {
    // Restoring is an ops task, not one for this prompt: say where it is done.
    const hint = output.style(
      'dim',
      "to prove or restore one, on the API's machine: npm run -s db-backup -- verify <file>, or restore <file> --into <postgres-url> (docs/restore-and-verify.md)",
    );
    return [...lines, hint].join('\n');
  }
  return listing.database === null
    ? 'no backups yet (backup takes one)'
    : `no backups of ${printable(listing.database)} yet (backup takes one; backups --all lists every database's)`;
}

/**
 * A tag as lists show it after `#`, unambiguous and safe for a terminal: in double quotes when it holds
 * a space, a quote or a backslash, or starts with `#` (`#"two words"`, `#"#hash"`; `"` and `\` escaped
 * inside), control characters shown (printable).
 */
export function quoteTag(tag: string): string {
  const shown = printable(tag);
  return /[\s"\\]|^#/.test(tag) ? `"${shown.replace(/["\\]/g, '\\$&')}"` : shown;
}

/** `text` cut to `length` characters, ending in `…` when cut. */
function cut(text: string, length: number): string {
  const characters = [...text];
  return characters.length <= length ? text : `${characters.slice(0, length - 1).join('')}…`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
