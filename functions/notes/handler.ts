import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { httpHandler, type HttpEvent } from '../http/httpHandler.js';
import { jsonResponse } from '../http/jsonResponse.js';
import { jsonBody } from '../http/jsonBody.js';
import {
  freeText,
  INTEGER_ID_MAX,
  id,
  idList,
  invalid,
  objectBody,
  oneOf,
  optionalId,
  positiveInteger,
  queryParameters,
  text,
  textList,
} from '../http/readInput.js';
import { jsonLogger, type Logger } from '../log/Logger.js';
import { fromEnvironment } from '../wiring/fromEnvironment.js';
import { NOTE_STATUSES, type NotesStore } from './NotesStore.js';
import { SEARCH_LIMIT, SEARCH_QUERY_MAX } from './searchNotes.js';

type RouteEvent = APIGatewayProxyEvent & { body: unknown };
type Logic = (event: RouteEvent) => Promise<APIGatewayProxyResult>;

const NAME = { max: 200, pattern: [/^[^/]+$/, 'must not contain "/"'] as [RegExp, string] };
const TAG = { max: 100, required: true };

export interface NotesParts {
  store: () => NotesStore;
  logger?: Logger;
  /** The bearer token every request must carry (`API_TOKEN`). */
  token?: () => string | undefined;
}

/**
 * The notes app's routes (folders, notes, tags); each only parses, calls the store and shapes the
 * answer. A route that changes several things changes all of them or nothing, and answers what changed.
 */
export function createNotesHandler({ store, logger = jsonLogger(), token }: NotesParts) {
  const withBody = (logic: Logic) => middy(logic).use(jsonBody());
  const route = (method: Route<HttpEvent, APIGatewayProxyResult>['method'], path: string, logic: Logic, body = false) =>
    ({ method, path, handler: body ? withBody(logic) : logic }) as unknown as Route<HttpEvent, APIGatewayProxyResult>;
  const param = (event: RouteEvent, name: string) => event.pathParameters?.[name];

  const routes = [
    route('GET', '/folders', async () => jsonResponse(200, { folders: await store().listFolders() })),
    route(
      'POST',
      '/folders',
      async (event) => {
        const body = objectBody(event.body, ['name', 'parentId']);
        const name = text(body.name, 'name', { ...NAME, required: true })!;
        return jsonResponse(201, {
          folder: await store().createFolder(name, optionalId(body.parentId, 'parentId', INTEGER_ID_MAX) ?? null),
        });
      },
      true,
    ),
    route(
      'PATCH',
      '/folders/{id}',
      async (event) => {
        const body = objectBody(event.body, ['name']);
        const name = text(body.name, 'name', { ...NAME, required: true })!;
        return jsonResponse(200, { folder: await store().renameFolder(id(param(event, 'id'), 'folder id', INTEGER_ID_MAX), name) });
      },
      true,
    ),
    route('DELETE', '/folders/{id}', async (event) =>
      jsonResponse(200, { removed: await store().removeFolder(id(param(event, 'id'), 'folder id', INTEGER_ID_MAX)) }),
    ),
    route('GET', '/notes', async (event) => {
      const query = queryParameters(event, ['q', 'folderId', 'tag', 'limit']);
      const folderId = query.folderId === undefined ? undefined : id(query.folderId, 'folderId', INTEGER_ID_MAX);
      const tag = text(query.tag, 'tag', { max: 100 });
      if (query.q === undefined) {
        if (query.limit !== undefined) throw invalid('limit applies to a search: give q too');
        return jsonResponse(200, { notes: await store().listNotes({ folderId, tag }) });
      }
      const search = {
        text: text(query.q, 'q', { max: SEARCH_QUERY_MAX, required: true })!,
        folderId,
        tag,
        limit: query.limit === undefined ? undefined : positiveInteger(query.limit, 'limit', SEARCH_LIMIT.max),
      };
      return jsonResponse(200, await store().searchNotes(search));
    }),
    route(
      'POST',
      '/notes',
      async (event) => {
        const body = objectBody(event.body, ['title', 'body', 'folderId']);
        const note = await store().createNote({
          title: text(body.title, 'title', { max: 500, required: true })!,
          body: freeText(body.body, 'body') ?? '',
          folderId: optionalId(body.folderId, 'folderId', INTEGER_ID_MAX) ?? null,
        });
        return jsonResponse(201, { note });
      },
      true,
    ),
    route(
      'POST',
      '/notes/move',
      async (event) => {
        const body = objectBody(event.body, ['ids', 'folderId']);
        if (!('folderId' in body)) throw invalid('folderId is required (null: no folder)');
        const ids = idList(body.ids, 'ids', 'note');
        return jsonResponse(200, await store().moveNotes(ids, optionalId(body.folderId, 'folderId', INTEGER_ID_MAX) ?? null));
      },
      true,
    ),
    route('GET', '/notes/{id}', async (event) => jsonResponse(200, { note: await store().note(id(param(event, 'id'), 'note id')) })),
    route(
      'PATCH',
      '/notes/{id}',
      async (event) => {
        const body = objectBody(event.body, ['title', 'body', 'status', 'folderId']);
        const changes = {
          title: text(body.title, 'title', { max: 500 }),
          body: freeText(body.body, 'body'),
          status: oneOf(body.status, 'status', NOTE_STATUSES),
          ...('folderId' in body ? { folderId: optionalId(body.folderId, 'folderId', INTEGER_ID_MAX) ?? null } : {}),
        };
        return jsonResponse(200, { note: await store().updateNote(id(param(event, 'id'), 'note id'), changes) });
      },
      true,
    ),
    route('DELETE', '/notes/{id}', async (event) => {
      await store().removeNote(id(param(event, 'id'), 'note id'));
      return { statusCode: 204, body: '' };
    }),
    route(
      'PATCH',
      '/notes/{id}/tags',
      async (event) => {
        const body = objectBody(event.body, ['add', 'remove']);
        // Every tag is checked before anything changes.
        const add = textList(body.add, 'add', 'tag', TAG);
        const remove = textList(body.remove, 'remove', 'tag', TAG);
        const both = add.find((tag) => remove.includes(tag));
        if (both !== undefined) throw invalid(`tag ${JSON.stringify(both)} is both in add and in remove`);
        if (add.length + remove.length === 0) throw invalid('give the tags to add or remove: { "add": […], "remove": […] }');
        return jsonResponse(200, await store().editTags(id(param(event, 'id'), 'note id'), { add, remove }));
      },
      true,
    ),
    route('PUT', '/notes/{id}/tags/{tag}', async (event) => {
      const tag = text(param(event, 'tag'), 'tag', TAG)!;
      return jsonResponse(200, { note: (await store().editTags(id(param(event, 'id'), 'note id'), { add: [tag] })).note });
    }),
    route('DELETE', '/notes/{id}/tags/{tag}', async (event) => {
      const tag = text(param(event, 'tag'), 'tag', TAG)!;
      return jsonResponse(200, { note: (await store().editTags(id(param(event, 'id'), 'note id'), { remove: [tag] })).note });
    }),
  ];
  return httpHandler(httpRouterHandler<HttpEvent, APIGatewayProxyResult>(routes) as never, { logger, token });
}

/** The Lambda entry point: one small connection pool per container, made on first use. */
export const handler = createNotesHandler(fromEnvironment());
