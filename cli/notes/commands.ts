import type { NoteStatus } from '../../functions/notes/NotesStore.js';
import { UsageError } from '../UsageError.js';
import { suggest } from '../suggest.js';
import { printable } from '../printable.js';
import { ApiError, type ApiClient } from './ApiClient.js';
import type { Command, CommandContext, CommandFlags } from './Command.js';
import { CommandError } from './CommandError.js';
import { formatBackupListing, formatFolders, formatNote, formatNotes } from './format.js';
import { formatFolderRemoval, formatMove, formatTagEdit } from './formatChanges.js';
import { helpText } from './helpText.js';
import { formatSearchResult } from './formatSearchResult.js';
import { searchQuery } from './searchQuery.js';
import { takeBackup } from './takeBackup.js';

/**
 * Prints a command's answer: `text`, or with --json the value as JSON, exact. JSON.stringify escapes
 * U+0000 to U+001F only; DEL and the C1 characters (U+0080 to U+009F: U+009B is a CSI to some
 * terminals) are escaped too, which JSON allows: the same value, and nothing a terminal would obey.
 */
const show = (context: CommandContext, flags: CommandFlags, value: unknown, text: string) =>
  context.output.print(flags.json ? JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, jsonEscape) : text);

/** `\u009b`: a character as a JSON string escape. */
const jsonEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Every command of the notes app: what it takes and what it does. */

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
      show(context, flags, folder, `created folder ${printable(folder.path)}`);
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
      const id = await folderId(context.api, path!);
      if (id === null) throw new UsageError('folder rename takes a folder, e.g. folder rename home/groceries shopping');
      const folder = await context.api.renameFolder(id, name!);
      show(context, flags, folder, `renamed ${printable(splitPath(path!).join('/'))} to ${printable(folder.path)}`);
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
      const id = await folderId(context.api, path!);
      if (id === null) throw new UsageError('folder rm takes a folder, e.g. folder rm home/old');
      context.output.print(formatFolderRemoval(await context.api.removeFolder(id)));
    },
  },
  {
    name: 'notes',
    args: '',
    summary: 'list notes (--folder <path>: that folder and its sub-folders, --tag <tag>)',
    example: 'notes --folder home --tag urgent',
    help: 'list the notes (id, status, title, folder, tags); --folder: in that folder or its sub-folders; --tag: with that tag',
    flags: ['folder', 'tag', 'json'],
    minArgs: 0,
    maxArgs: 0,
    async run(context, _args, flags) {
      const filters = await noteFilters(context.api, flags);
      const notes = await context.api.listNotes({ folderId: filters.folderId, tag: flags.tag });
      if (notes.length === 0) await requireKnownTag(context.api, flags.tag);
      show(context, flags, notes, formatNotes(notes, context.output, filters));
    },
  },
  {
    name: 'search',
    args: '<words>…',
    summary: 'find notes by their words, best first; --folder includes its sub-folders',
    example: `search '"oat milk" or tea -green' --folder home`,
    flags: ['folder', 'tag', 'limit', 'json'],
    minArgs: 1,
    maxArgs: Infinity,
    async run(context, words, flags) {
      const { text, limit } = searchQuery(words, flags.limit);
      const filters = await noteFilters(context.api, flags);
      const result = await context.api.searchNotes({ text, folderId: filters.folderId, tag: flags.tag, limit });
      if (result.notes.length === 0) await requireKnownTag(context.api, flags.tag);
      show(context, flags, result, formatSearchResult(result, text, context.output, filters));
    },
  },
  {
    name: 'add',
    args: '<title>',
    summary: 'add a note (--body <text>, --folder <path>)',
    example: 'add "Buy milk" --folder home --body "two litres"',
    help: 'add a note; a title or body of several words goes in quotes',
    freeTextArg: true,
    flags: ['body', 'folder', 'json'],
    minArgs: 1,
    maxArgs: 1,
    async run(context, [title], flags) {
      const folder = flags.folder === undefined ? null : await folderId(context.api, flags.folder);
      const note = await context.api.createNote({ title: title!, body: flags.body, folderId: folder });
      show(context, flags, note, `added note ${note.id}${note.folder ? ` to ${printable(note.folder)}` : ''}`);
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
    help: 'change a note: give at least one of --title, --body, --status, --folder (--folder / takes it out of its folder)',
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
    name: 'move',
    args: '<id>…',
    summary: 'move notes into a folder (--folder / for none): all of them, or none when one is missing',
    example: 'move 12 13 --folder home/groceries',
    flags: ['folder', 'json'],
    requiredFlags: ['folder'],
    minArgs: 1,
    maxArgs: Infinity,
    async run(context, ids, flags) {
      if (flags.folder === undefined)
        throw new UsageError('move needs --folder <path> (or --folder / for no folder), e.g. move 12 13 --folder home');
      // A note named twice is moved once: the API refuses a repeat, which is harmless here.
      const move = await context.api.moveNotes([...new Set(ids.map(noteId))], await folderId(context.api, flags.folder));
      show(context, flags, move, formatMove(move));
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
    help: 'tag a note (tags are case-sensitive: Sport and sport are two tags)',
    flags: ['json'],
    minArgs: 2,
    maxArgs: Infinity,
    async run(context, [id, ...tags], flags) {
      const edit = await context.api.editTags(noteId(id!), { add: checkTags(tags) });
      show(context, flags, edit, formatTagEdit(edit));
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
      const remove = checkTags(tags);
      const edit = await context.api.editTags(noteId(id!), { remove }).catch(async (error: unknown) => {
        throw await withTagSuggestions(context.api, noteId(id!), remove, error);
      });
      show(context, flags, edit, formatTagEdit(edit));
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
    help: "list this database's backups, newest first, with the rules that keep each one; --all lists every database's in the folder",
    flags: ['all', 'json'],
    minArgs: 0,
    maxArgs: 0,
    async run(context, _args, flags) {
      const listing = await context.api.listBackups({ all: flags.all === true });
      show(context, flags, listing, formatBackupListing(listing, context.output));
    },
  },
  {
    name: 'help',
    args: '[<command>]',
    summary: 'list the commands, or show how to use one (also <command> --help)',
    example: 'help folder add',
    flags: [],
    minArgs: 0,
    maxArgs: 2,
    async run(context, args) {
      context.output.print(helpText(COMMANDS, args, context.commandPrefix));
    },
  },
  // Typed alone at the prompt, exit and quit never reach these rows: interactiveSession leaves first.
  {
    name: 'exit',
    args: '',
    summary: 'back up the database and leave (also Ctrl-D, Ctrl-C)',
    example: 'exit',
    help: 'back up the database and leave the app (at the notes> prompt; also quit, Ctrl-D, Ctrl-C)',
    flags: [],
    minArgs: 0,
    maxArgs: 0,
    promptOnly: true,
    run: leaveOnlyAtThePrompt,
  },
  {
    name: 'quit',
    args: '',
    summary: 'the same as exit',
    example: 'quit',
    help: 'back up the database and leave the app (at the notes> prompt; also exit, Ctrl-D, Ctrl-C)',
    flags: [],
    minArgs: 0,
    maxArgs: 0,
    promptOnly: true,
    run: leaveOnlyAtThePrompt,
  },
];

/** exit or quit where there is nothing to leave (`notes exit`) or quoted (`"exit"`): says how to leave. */
async function leaveOnlyAtThePrompt(): Promise<void> {
  throw new UsageError('exit and quit leave the interactive app: type exit alone at its notes> prompt');
}

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

/** The tags typed, each once (the API refuses a repeat, which is harmless here); an empty one is a UsageError. */
function checkTags(tags: string[]): string[] {
  if (tags.some((tag) => tag.trim() === '')) throw new UsageError('a tag cannot be empty');
  return [...new Set(tags)];
}

/** `--folder` as the id the API filters by and the path an empty answer names (`/`, no folder: no filter), and `--tag`. */
async function noteFilters(api: ApiClient, flags: CommandFlags): Promise<{ folderId?: number; folder?: string; tag?: string }> {
  const id = flags.folder === undefined ? null : await folderId(api, flags.folder);
  return id === null ? { tag: flags.tag } : { folderId: id, folder: splitPath(flags.folder!).join('/'), tag: flags.tag };
}

/**
 * Throws a CommandError when `tag` is given and no note has it, like an unknown folder: naming the
 * closest tag that exists (`Sport` for `sport`: tags are case-sensitive). There is no tags route: the
 * tags are those of GET /notes. Asked only when a filter found nothing.
 */
async function requireKnownTag(api: ApiClient, tag: string | undefined): Promise<void> {
  if (tag === undefined) return;
  const known = [...new Set((await api.listNotes()).flatMap((note) => note.tags))];
  if (known.includes(tag)) return;
  const closest = suggest(tag, known);
  throw new CommandError(closest ? `no tag "${tag}"; did you mean "${closest}"?` : `no tag "${tag}" (notes lists the tags of each note)`);
}

/**
 * The API's refusal of an untag (the note lacks a tag), with the note's own tag of another case or
 * spelling named for each tag it lacks: `note 3 has no tag "sport" (did you mean "Sport"?); nothing was changed`.
 * Any other error, or none close, comes back as it is.
 */
async function withTagSuggestions(api: ApiClient, id: number, remove: string[], error: unknown): Promise<unknown> {
  if (!(error instanceof ApiError) || error.code !== 'NOT_FOUND') return error;
  const { tags } = await api.note(id).catch(() => ({ tags: [] as string[] }));
  const lacking = remove.filter((tag) => !tags.includes(tag));
  const named = lacking.map((tag) => {
    const closest = suggest(tag, tags);
    return closest ? `"${tag}" (did you mean "${closest}"?)` : `"${tag}"`;
  });
  if (!named.some((text) => text.includes('did you mean'))) return error;
  return new CommandError(`note ${id} has no ${lacking.length === 1 ? 'tag' : 'tags'} ${named.join(', ')}; nothing was changed`);
}

function noteId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new UsageError(`"${text}" is not a note id (a positive number; notes lists them)`);
  return Number(text);
}
