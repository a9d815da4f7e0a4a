import type { Folder, Note, NoteSummary } from '../../functions/notes/NotesStore.js';
import type { BackupAnswer, BackupListing } from './ApiClient.js';
import { formatSeconds } from './ApiClient.js';
import type { Output } from './Output.js';

/** The folder tree, indented by depth, with note counts. */
export function formatFolders(folders: Folder[], output: Output): string {
  if (folders.length === 0) return 'no folders yet (folder add <name>)';
  return folders
    .map((folder) => {
      const depth = folder.path.split('/').length - 1;
      return `${'  '.repeat(depth)}${output.style('bold', folder.name)}  ${output.style('dim', `(${folder.notes} note${folder.notes === 1 ? '' : 's'})`)}`;
    })
    .join('\n');
}

/** One line per note: id, title, folder, tags. */
export function formatNotes(notes: NoteSummary[], output: Output): string {
  if (notes.length === 0) return 'no notes';
  const width = Math.max(...notes.map((note) => String(note.id).length));
  return notes
    .map((note) => {
      const where = note.folder ? output.style('dim', ` [${note.folder}]`) : '';
      const tags = note.tags.length > 0 ? ` ${output.style('cyan', note.tags.map((t) => `#${t}`).join(' '))}` : '';
      const status = note.status === 'active' ? '' : output.style('dim', ` (${note.status})`);
      return `${String(note.id).padStart(width)}  ${note.title}${status}${where}${tags}`;
    })
    .join('\n');
}

export function formatNote(note: Note, output: Output): string {
  return [
    `${output.style('bold', `#${note.id} ${note.title}`)}${note.status === 'active' ? '' : ` (${note.status})`}`,
    `folder: ${note.folder ?? '—'}    tags: ${note.tags.length > 0 ? note.tags.join(', ') : '—'}`,
    `updated: ${new Date(note.updatedAt).toISOString()}`,
    ...(note.body ? ['', note.body] : []),
  ].join('\n');
}

/** `Backed up notes_….sql (48.2 kB in 0.31 s); rotation: 6 kept, 1 archived, 0 deleted`. */
export function formatBackup({ backup, rotation }: BackupAnswer, output: Output): string {
  return `${output.style('green', 'Backed up')} ${backup.file} (${formatBytes(backup.bytes)} in ${formatSeconds(backup.durationMs)}); rotation: ${rotation.kept.length} kept, ${rotation.archived.length} archived, ${rotation.deleted.length} deleted`;
}

export function formatBackupListing(listing: BackupListing, output: Output): string {
  const lines = [
    ...listing.kept.map(({ file, reasons }) => `${file}  ${output.style('dim', `keep: ${reasons.join(', ')}`)}`),
    ...listing.archived.map((file) => `${file}  ${output.style('yellow', 'archived at the next rotation')}`),
    ...listing.deleted.map((file) => `${file}  ${output.style('red', 'deleted at the next rotation')}`),
  ];
  return lines.length > 0 ? lines.join('\n') : 'no backups yet (backup takes one)';
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
