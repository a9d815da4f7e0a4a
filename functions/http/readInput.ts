import { AppError } from '../errors/AppError.js';

/** A 400 INVALID_INPUT answer with `message`. */
export const invalid = (message: string) => new AppError('INVALID_INPUT', message);

/** Checks a parsed JSON body is an object holding only `allowed` keys; names the first unknown key. */
export function objectBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === null || body === undefined) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalid(`unknown field "${key}"; allowed: ${allowed.join(', ')}`);
  }
  return body as Record<string, unknown>;
}

/**
 * How many characters (Unicode code points) `text` holds, as PostgreSQL's length() counts them: an emoji
 * is one, not JavaScript's two UTF-16 units.
 */
export function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Half of a UTF-16 surrogate pair without the other (JSON allows `"\ud800"`): not a character, and
 * written to the database as U+FFFD, so what was stored would differ from what was sent (a tag
 * reported as already there while a new one was made).
 */
const LONE_SURROGATE = /\p{Cs}/u;
const loneSurrogate = (name: string) => `${name} must not contain a lone UTF-16 surrogate (\\ud800 to \\udfff without its pair)`;

/** A trimmed, non-empty string of at most `max` characters (code points), or undefined when absent and optional. */
export function text(
  value: unknown,
  name: string,
  { max, required = false, pattern }: { max: number; required?: boolean; pattern?: [RegExp, string] },
): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalid(`${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length === 0 || (trimmed.length > max && characters(trimmed) > max)) throw invalid(`${name} must be 1 to ${max} characters`);
  if (trimmed.includes('\u0000')) throw invalid(`${name} must not contain NUL characters`);
  if (LONE_SURROGATE.test(trimmed)) throw invalid(loneSurrogate(name));
  if (pattern && !pattern[0].test(trimmed)) throw invalid(`${name} ${pattern[1]}`);
  return trimmed;
}

/**
 * A list of distinct `text` values (a note's tags to add), each checked as `text` checks one and named
 * `<item> "<value>"` when it fails; [] when absent.
 */
export function textList(value: unknown, name: string, item: string, options: { max: number }): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${name} must be an array of strings`);
  const texts = value.map(
    (entry) => text(entry, typeof entry === 'string' ? `${item} ${quoted(entry)}` : `${name}[]`, { ...options, required: true })!,
  );
  return distinct(texts, (twice) => `${item} ${quoted(twice)} is given twice`);
}

/** A non-empty list of distinct ids (the notes to move). */
export function idList(value: unknown, name: string, item: string, max?: number): number[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${name} must be a non-empty array of ${item} ids`);
  const ids = value.map((entry, index) => id(entry, `${name}[${index}]`, max));
  return distinct(ids, (twice) => `${item} ${twice} is given twice`);
}

function distinct<T>(values: T[], message: (twice: T) => string): T[] {
  const twice = values.find((value, index) => values.indexOf(value) !== index);
  if (twice !== undefined) throw invalid(message(twice));
  return values;
}

/** A value quoted for a message, cut after 40 characters. */
function quoted(value: string): string {
  const shown = [...value];
  return JSON.stringify(shown.length > 40 ? `${shown.slice(0, 39).join('')}…` : value);
}

/** The largest id of a PostgreSQL `integer` column (folders); `bigint` ids (notes) stop at JavaScript's safe integers. */
export const INTEGER_ID_MAX = 2_147_483_647;

/** A positive whole-number id, at most `max`, from a path parameter, query parameter or body field. */
export function id(value: unknown, name: string, max: number = Number.MAX_SAFE_INTEGER): number {
  const raw = typeof value === 'number' ? String(value) : value;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw) || Number(raw) > max) {
    throw invalid(`${name} must be a whole number from 1 to ${max}`);
  }
  return Number(raw);
}

/** Like `id`, but `null` stays null (no folder) and absent stays undefined. */
export function optionalId(value: unknown, name: string, max?: number): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  return id(value, name, max);
}

/** A whole number from 1 to `max` (a count, a limit), from a query parameter or body field. */
export function positiveInteger(value: unknown, name: string, max: number): number {
  return id(value, name, max);
}

/** The query parameters of a payload 1.0 event (payload 2.0 joins a repeated one's values with commas instead). */
interface QueryEvent {
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
}

/**
 * A request's query parameters, checked to be only `allowed` ones, each given once: names the first
 * unknown or repeated one (`?q=milk&q=tea` would otherwise search only the last).
 */
export function queryParameters(event: QueryEvent, allowed: readonly string[]): Record<string, string | undefined> {
  const query = event.queryStringParameters ?? {};
  for (const key of Object.keys(query)) {
    if (!allowed.includes(key)) throw invalid(`unknown query parameter "${key}"; allowed: ${allowed.join(', ')}`);
    if ((event.multiValueQueryStringParameters?.[key]?.length ?? 1) > 1) throw invalid(`query parameter "${key}" is given more than once`);
  }
  return query;
}

/** Free text (a note body): any string of at most `max` characters (code points), kept as written; undefined when absent. */
export function freeText(value: unknown, name: string, max = 1_000_000): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  if (value.length > max && characters(value) > max) throw invalid(`${name} must be at most ${max} characters`);
  if (value.includes('\u0000')) throw invalid(`${name} must not contain NUL characters`);
  if (LONE_SURROGATE.test(value)) throw invalid(loneSurrogate(name));
  return value;
}

/** One of `choices`, or undefined when absent. */
export function oneOf<T extends string>(value: unknown, name: string, choices: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!choices.includes(value as T)) throw invalid(`${name} must be one of ${choices.join(', ')}`);
  return value as T;
}
