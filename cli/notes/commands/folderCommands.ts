import { UsageError } from '../../UsageError.js';
import { printable } from '../../printable.js';
import type { Command } from '../Command.js';
import { formatFolders } from '../format.js';
import { formatFolderRemoval } from '../formatChanges.js';
import { folderId, splitPath } from './folderId.js';
import { printResult } from './printResult.js';

/** The folder commands: the tree, and adding, renaming and removing a folder. */
export const FOLDER_COMMANDS: Command[] = [
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
      printResult(context, flags, folders, formatFolders(folders, context.output));
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
      printResult(context, flags, folder, `created folder ${printable(folder.path)}`);
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
      printResult(context, flags, folder, `renamed ${printable(splitPath(path!).join('/'))} to ${printable(folder.path)}`);
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
];
