/**
 * What each answer of the notes API must look like, checked before the app uses it: a web server
 * that is not the notes API (a wrong --api-url) may well answer JSON too, and the app must say so in
 * one line instead of failing on a missing field.
 */
type Check = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const string: Check = (value) => typeof value === 'string';
const number: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const boolean: Check = (value) => typeof value === 'boolean';
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
const listOf =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(check);
const shape =
  (fields: Record<string, Check>): Check =>
  (value) =>
    isObject(value) && Object.entries(fields).every(([name, check]) => check(value[name]));

const folder = shape({ id: number, parentId: nullable(number), name: string, path: string, notes: number });
const note = shape({
  id: number,
  title: string,
  folderId: nullable(number),
  folder: nullable(string),
  status: string,
  tags: listOf(string),
  updatedAt: string,
});
const range: Check = (value) => Array.isArray(value) && value.length === 2 && value.every(number);
const hit = (value: unknown) =>
  note(value) && shape({ titleMatches: listOf(range), snippet: nullable(string), snippetMatches: listOf(range) })(value);
const rotation = {
  kept: listOf(shape({ file: string, reasons: listOf(string) })),
  archived: listOf(string),
  deleted: listOf(string),
};

/** The answers by what they hold; each check tells whether a parsed body is that answer. */
export const ANSWERS = {
  folders: shape({ folders: listOf(folder) }),
  folder: shape({ folder }),
  notes: shape({ notes: listOf(note) }),
  note: shape({ note }),
  tagEdit: shape({ note, added: listOf(string), alreadyHad: listOf(string), removed: listOf(string) }),
  notesMove: shape({
    to: nullable(shape({ id: number, path: string })),
    moved: listOf(shape({ id: number, from: nullable(string) })),
    alreadyThere: listOf(number),
  }),
  folderRemoval: shape({ removed: shape({ id: number, path: string, subFolders: listOf(string), unfiledNotes: listOf(number) }) }),
  search: shape({ notes: listOf(hit), total: number, totalExact: boolean }),
  backups: shape({ database: nullable(string), ...rotation }),
  backup: shape({ backup: shape({ file: string, bytes: number, durationMs: number }), rotation: shape(rotation) }),
} satisfies Record<string, Check>;

export type AnswerKind = keyof typeof ANSWERS;
