import type { Command } from '../Command.js';
import { formatTagEdit } from '../formatChanges.js';
import { checkTags } from './checkTags.js';
import { noteId } from './noteId.js';
import { printResult } from './printResult.js';
import { withTagSuggestions } from './withTagSuggestions.js';

/** Tagging and untagging a note: all the tags given, or none. */
export const TAG_COMMANDS: Command[] = [
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
      printResult(context, flags, edit, formatTagEdit(edit));
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
      printResult(context, flags, edit, formatTagEdit(edit));
    },
  },
];
