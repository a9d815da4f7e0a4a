/**
 * The private-use characters ts_headline is asked to put around each matching word (its StartSel and
 * StopSel). A note's own copies of them are replaced before ts_headline sees its text (searchNotes),
 * so every marker read here is ts_headline's.
 */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';
/**
 * What the index and ts_headline read instead of `<` and `/` (migrations/…_notes-search.sql): blanks to
 * PostgreSQL's parser, so that `<b and c>` is words, not a tag to drop. Mapped back here, one for one.
 */
export const STANDS_FOR: Readonly<Record<string, string>> = { '\uE002': '<', '\uE003': '/' };

/** A matching word in a text: `[start, end)`, counted in Unicode code points (`[...text].slice(start, end)`). */
export type MatchRange = [start: number, end: number];

/** Whitespace and control characters: what a one-line snippet turns into single spaces. */
const BLANK = /^[\s\p{Cc}]$/u;

/**
 * Turns ts_headline's output, with MATCH_START / MATCH_END around the matching words, into the plain
 * text and the ranges of those words in it, in code points. With `oneLine`, each run of whitespace
 * and control characters becomes one space and the ends are trimmed (a snippet printed on one line);
 * the ranges are those of the text returned. A marker without its partner is dropped; the stand-ins
 * of STANDS_FOR become their characters again. Pure.
 */
export function readHighlights(marked: string, { oneLine = false }: { oneLine?: boolean } = {}): { text: string; matches: MatchRange[] } {
  const text: string[] = [];
  const matches: MatchRange[] = [];
  let inMatch = false;
  let matchStart: number | undefined;
  let spacePending = false;
  for (const character of marked) {
    if (character === MATCH_START) {
      inMatch = true;
      matchStart = undefined;
    } else if (character === MATCH_END) {
      if (inMatch && matchStart !== undefined && text.length > matchStart) matches.push([matchStart, text.length]);
      inMatch = false;
    } else if (oneLine && BLANK.test(character)) {
      spacePending = text.length > 0;
    } else {
      if (spacePending) text.push(' ');
      spacePending = false;
      if (inMatch && matchStart === undefined) matchStart = text.length;
      text.push(STANDS_FOR[character] ?? character);
    }
  }
  return { text: text.join(''), matches };
}
