import type { Command } from '../Command.js';
import { formatBackupListing } from '../format.js';
import { backUpNow } from './backUpNow.js';
import { printResult } from './printResult.js';

/** Backing up now, and listing the backups. */
export const BACKUP_COMMANDS: Command[] = [
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
      printResult(context, flags, listing, formatBackupListing(listing, context.output));
    },
  },
];
