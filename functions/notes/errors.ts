import { AppError } from '../errors/AppError.js';

/** A folder, note or tag that does not exist. */
export class NotFoundError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('NOT_FOUND', message, options);
  }
}

/** A name already taken (a folder's name under its parent). */
export class ConflictError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFLICT', message, options);
  }
}

/**
 * A search with nothing to look for: only words too common to be indexed ("the", "and") or punctuation.
 * The query is shown in double quotes, in single ones when it holds a `"` (`'"the"'`, not `""the""`).
 */
export class UnsearchableQueryError extends AppError {
  constructor(readonly query: string) {
    const quoted = query.includes('"') ? `'${query}'` : `"${query}"`;
    super(
      'UNSEARCHABLE_QUERY',
      `${quoted} has no word to search for: words like "the" or "and" and punctuation are left out; add a more specific word`,
    );
  }
}
