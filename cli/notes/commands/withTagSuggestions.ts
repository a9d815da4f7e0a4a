import { suggest } from '../../suggest.js';
import { ApiError, type ApiClient } from '../ApiClient.js';
import { CommandError } from '../CommandError.js';

/**
 * The API's refusal of an untag (the note lacks a tag), with the note's own tag of another case or
 * spelling named for each tag it lacks: `note 3 has no tag "sport" (did you mean "Sport"?); nothing was changed`.
 * Any other error, or none close, comes back as it is.
 */
export async function withTagSuggestions(api: ApiClient, id: number, remove: string[], error: unknown): Promise<unknown> {
  if (!(error instanceof ApiError) || error.code !== 'NOT_FOUND') return error;
  const { tags } = await api.note(id).catch(() => ({ tags: [] as string[] }));
  const lacking = remove.filter((tag) => !tags.includes(tag));
  const named = lacking.map((tag) => {
    const closest = suggest(tag, tags);
    return closest ? `"${tag}" (did you mean "${closest}"?)` : `"${tag}"`;
  });
  if (!named.some((text) => text.includes('did you mean'))) return error;
  return new CommandError(`note ${id} has no ${lacking.length === 1 ? 'tag' : 'tags'} ${named.join(', ')}; nothing was changed`);
}
