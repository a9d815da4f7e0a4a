import type { CommandFlags } from './Command.js';

/** How a flag is written in help (`<path>`; none for a boolean) and what it means. */
export interface FlagHelp {
  value?: string;
  meaning: string;
}

/** Every command flag's help, one row each; `help <command>` and the usage lines are made from them. */
export const FLAG_HELP: Partial<Record<keyof CommandFlags, FlagHelp>> = {
  folder: { value: '<path>', meaning: 'a folder by its path, e.g. home/groceries' },
  tag: { value: '<tag>', meaning: 'a tag, e.g. urgent' },
  body: { value: '<text>', meaning: "the note's text" },
  title: { value: '<text>', meaning: "the note's title" },
  status: { value: 'draft|active|archived', meaning: "the note's status" },
  limit: { value: '<1-100>', meaning: 'show at most this many notes (default 20)' },
  json: { meaning: 'print JSON instead of text' },
  all: { meaning: "every database's backups, not only this one's" },
};

/** A flag as help writes it: `--folder <path>`, `--json`. */
export function typedFlag(flag: keyof CommandFlags): string {
  const value = FLAG_HELP[flag]?.value;
  return value ? `--${flag} ${value}` : `--${flag}`;
}
