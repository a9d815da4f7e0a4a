import { UsageError } from '../../UsageError.js';

/** A note id as typed: a positive number, else a UsageError. */
export function noteId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new UsageError(`"${text}" is not a note id (a positive number; notes lists them)`);
  return Number(text);
}
