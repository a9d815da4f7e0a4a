import type { Note, NoteStatus } from '../../functions/notes/NotesStore.js';
import { UsageError } from '../UsageError.js';
import type { ApiClient } from './ApiClient.js';
import type { Command, CommandContext, CommandFlags } from './Command.js';
import { CommandError } from './CommandError.js';
import { formatBackupListing, formatFolders, formatNote, formatNotes } from './format.js';
import { formatSearchResult } from './formatSearchResult.js';
import { searchQuery } from './searchQuery.js';
import { takeBackup } from './takeBackup.js';

/** Every command of the notes app: what it takes and what it does. */
const show = (context: CommandContext, flags: CommandFlags, value: unknown, text: string) =>
  context.output.print(flags.json ? JSON.stringify(value, null, 2) : text);

export const COMMANDS: Command[] = [
  {
    name: 'folders',
    args: '',
    summary: 'list the folder tree',
    example: 'folders',
    flags: ['json'],
    minArgs: 0,
    maxArgs: 0,
    async run(context, _args, flags) {
      const folders = await context.api.listFolders();
      show(context, flags, folders, formatFolders(folders, context.output));
    },
  },
  {
    name: 'folder add',
    args: '<path>',
    summary: 'create a folder, e.g. home/groceries (its parent must exist)',
    example: 'folder add home/groceries',
    flags: ['json'],
    minArgs: 1,
    maxArgs: 1,
    async run(context, [path], flags) {
      const parts = splitPath(path!);
      const parentId = parts.length > 1 ? await folderId(context.api, parts.slice(0, -1).join('/')) : null;
      const folder = await context.api.createFolder(parts.at(-1)!, parentId);
      show(context, flags, folder, `created folder ${folder.path}`);
    },
  },
  {
    name: 'folder rename',
    args: '<path> <new-name>',
    summary: 'rename a folder',
    example: 'folder rename home/groceries shopping',
    flags: ['json'],
    minArgs: 2,
    maxArgs: 2,
    async run(context, [path, name], flags) {
      const folder = await context.api.renameFolder((await folderId(context.api, path!))!, name!);
      show(context, flags, folder, `renamed to ${folder.path}`);
    },
  },
  {
    name: 'folder rm',
    args: '<path>',
    summary: 'remove a folder and its subfolders (their notes stay, without a folder)',
    example: 'folder rm home/old',
    flags: [],
    minArgs: 1,
    maxArgs: 1,
    async run(context, [path]) {
      await context.api.removeFolder((await folderId(context.api, path!))!);
      context.output.print(`removed folder ${splitPath(path!).join('/')}`);
    },
  },
  {
    name: 'notes',
    args: '',
    summary: 'list notes (--folder <path>: that folder and its sub-folders, --tag <tag>)',
    example: 'notes --folder home --tag urgent',
    flags: ['folder', 'tag', 'json'],
    minArgs: 0,
    maxArgs: 0,
    async run(context, _args, flags) {
      const folder = flags.folder === undefined ? undefined : await folderId(context.api, flags.folder);
      const notes = await context.api.listNotes({ folderId: folder ?? undefined, tag: flags.tag });
      show(context, flags, notes, formatNotes(notes, context.output));
    },
  },
  {
    name: 'search',
    args: '<words>…',
    summary: 'find notes by their words, best first (--folder <path> with its sub-folders, --tag <tag>, --limit 1-100)',
    example: `search '"oat milk" or tea -green' --folder home`,
    flags: ['folder', 'tag', 'limit', 'json'],
    minArgs: 1,
    maxArgs: Infinity,
    async run(context, words, flags) {
      const { text, limit } = searchQuery(words, flags.limit);
      const folder = flags.folder === undefined ? undefined : await folderId(context.api, flags.folder);
      const result = await context.api.searchNotes({ text, folderId: folder ?? undefined, tag: flags.tag, limit });
      show(context, flags, result, formatSearchResult(result, text, context.output));
    },
  },
  {
    name: 'add',
    args: '<title>',
    summary: 'add a note (--body <text>, --folder <path>)',
    example: 'add "Buy milk" --folder home --body "two litres"',
    flags: ['body', 'folder', 'json'],
    minArgs: 1,
    maxArgs: 1,
    async run(context, [title], flags) {
      const folder = flags.folder === undefined ? null : await folderId(context.api, flags.folder);
      const note = await context.api.createNote({ title: title!, body: flags.body, folderId: folder });
      show(context, flags, note, `added note ${note.id}${note.folder ? ` to ${note.folder}` : ''}`);
    },
  },
  {
    name: 'show',
    args: '<id>',
    summary: 'show a note',
    example: 'show 12',
    flags: ['json'],
    minArgs: 1,
    maxArgs: 1,
    async run(context, [id], flags) {
      const note = await context.api.note(noteId(id!));
      show(context, flags, note, formatNote(note, context.output));
    },
  },
  {
    name: 'edit',
    args: '<id>',
    summary: 'change a note (--title, --body, --status draft|active|archived, --folder <path> or /)',
    example: 'edit 12 --status archived --folder /',
    flags: ['title', 'body', 'status', 'folder', 'json'],
    minArgs: 1,
    maxArgs: 1,
    async run(context, [id], flags) {
      if (flags.title === undefined && flags.body === undefined && flags.status === undefined && flags.folder === undefined) {
        throw new UsageError('edit needs at least one of --title, --body, --status, --folder');
      }
      const changes = {
        title: flags.title,
        body: flags.body,
        status: flags.status as NoteStatus | undefined,
        ...(flags.folder === undefined ? {} : { folderId: await folderId(context.api, flags.folder) }),
      };
      const note = await context.api.updateNote(noteId(id!), changes);
      show(context, flags, note, `updated note ${note.id}`);
    },
  },
  {
    name: 'rm',
    args: '<id>',
    summary: 'remove a note',
    example: 'rm 12',
    flags: [],
    minArgs: 1,
    maxArgs: 1,
    async run(context, [id]) {
      await context.api.removeNote(noteId(id!));
      context.output.print(`removed note ${id}`);
    },
  },
  {
    name: 'tag',
    args: '<id> <tag>…',
    summary: 'tag a note',
    example: 'tag 12 urgent home',
    flags: ['json'],
    minArgs: 2,
    maxArgs: Infinity,
    async run(context, [id, ...tags], flags) {
      let note: Note | undefined;
      for (const tag of checkTags(tags)) note = await context.api.tagNote(noteId(id!), tag);
      show(context, flags, note, `note ${id} tags: ${note!.tags.join(', ')}`);
    },
  },
  {
    name: 'untag',
    args: '<id> <tag>…',
    summary: 'remove tags from a note',
    example: 'untag 12 urgent',
    flags: ['json'],
    minArgs: 2,
    maxArgs: Infinity,
    async run(context, [id, ...tags], flags) {
      let note: Note | undefined;
      for (const tag of checkTags(tags)) note = await context.api.untagNote(noteId(id!), tag);
      show(context, flags, note, `note ${id} tags: ${note!.tags.join(', ') || '—'}`);
    },
  },
  {
    name: 'backup',
    args: '',
    summary: 'back up the database now (rotating the older backups first)',
    example: 'backup',
    flags: [],
    minArgs: 0,
    maxArgs: 0,
    run: backUpNow,
  },
  {
    name: 'backups',
    args: '',
    summary: "list this database's backups and the rules that keep each one (--all: every database's)",
    example: 'backups --all',
    flags: ['all', 'json'],
    minArgs: 0,
    maxArgs: 0,
    async run(context, _args, flags) {
      const listing = await context.api.listBackups({ all: flags.all === true });
      show(context, flags, listing, formatBackupListing(listing, context.output));
    },
  },
];

/** Takes a backup now and prints its line; throws a CommandError saying why when none was written. */
export async function backUpNow(context: CommandContext): Promise<void> {
  const underWay = takeBackup(context.api, context.output, { timeoutMs: context.backupTimeoutMs });
  context.backupUnderWay = underWay;
  const outcome = await underWay.finally(() => {
    if (context.backupUnderWay === underWay) context.backupUnderWay = undefined;
  });
  if (!outcome.written) throw new CommandError(outcome.warning);
  context.output.print(outcome.line);
  if (outcome.warning) context.output.warn(outcome.warning);
}

function splitPath(path: string): string[] {
  const parts = path
    .split('/')
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError('a folder path needs at least one name, e.g. home or home/groceries');
  return parts;
}

/** The id of the folder at `path`; `/` means no folder (the top level). */
async function folderId(api: ApiClient, path: string): Promise<number | null> {
  if (path.trim() === '/') return null;
  const wanted = splitPath(path).join('/');
  const folder = (await api.listFolders()).find((candidate) => candidate.path === wanted);
  if (!folder) throw new CommandError(`no folder "${wanted}" (folders lists them)`);
  return folder.id;
}

function checkTags(tags: string[]): string[] {
  if (tags.some((tag) => tag.trim() === '')) throw new UsageError('a tag cannot be empty');
  return tags;
}

function noteId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new UsageError(`"${text}" is not a note id (a positive number; notes lists them)`);
  return Number(text);
}
