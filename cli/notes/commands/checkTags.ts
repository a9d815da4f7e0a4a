import { UsageError } from '../../UsageError.js';

/** The tags typed, each once (the API refuses a repeat, which is harmless here); an empty one is a UsageError. */
export function checkTags(tags: string[]): string[] {
  if (tags.some((tag) => tag.trim() === '')) throw new UsageError('a tag cannot be empty');
  return [...new Set(tags)];
}
