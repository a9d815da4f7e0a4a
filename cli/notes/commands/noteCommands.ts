import type { NoteStatus } from '../../../functions/notes/NotesStore.js';
import { UsageError } from '../../UsageError.js';
import { printable } from '../../printable.js';
import type { Command } from '../Command.js';
import { formatNote, formatNotes } from '../format.js';
import { formatMove } from '../formatChanges.js';
import { formatSearchResult } from '../formatSearchResult.js';
import { searchQuery } from '../searchQuery.js';
import { folderId } from './folderId.js';
import { noteFilters, requireKnownTag } from './noteFilters.js';
import { noteId } from './noteId.js';
import { printResult } from './printResult.js';

/** The note commands: listing, searching, adding, showing, changing, moving and removing notes. */
export const NOTE_COMMANDS: Command[] = [
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
      printResult(context, flags, notes, formatNotes(notes, context.output, filters));
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
      printResult(context, flags, result, formatSearchResult(result, text, context.output, filters));
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
      printResult(context, flags, note, `added note ${note.id}${note.folder ? ` to ${printable(note.folder)}` : ''}`);
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
      printResult(context, flags, note, formatNote(note, context.output));
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
      printResult(context, flags, note, `updated note ${note.id}`);
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
      printResult(context, flags, move, formatMove(move));
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
];
