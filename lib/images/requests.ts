// The images API's deserializer: a request's raw parts (media type, body,
// query string) read into the commands the domain takes (Change[], ListQuery,
// NewImage). The /v2 and console routes both call it; it takes plain values,
// not a Request, so tests/unit covers it without a server.
import { parseListRequest, type ListQuery } from './listing/params';
import { parseChanges, parseOperations, type Change } from './patch';
import { parseCreateBody, type NewImage } from './image-service';

/** PATCH /v2/images/{id}: the media type picks the op syntax; v2.0's `add` may not overwrite. */
export function readPatch(contentType: string | null, hasBody: boolean, body: Uint8Array | string): Change[] {
  const { changes, draft } = parseChanges(contentType, hasBody, body);
  if (draft === 10) return changes;
  return changes.map((change) => (change.op === 'add' ? { ...change, mustBeNew: true } : change));
}

/** The console's edit form: always v2.1 operations, whatever the Content-Type says. */
export function readConsolePatch(hasBody: boolean, body: Uint8Array | string): Change[] {
  return parseOperations(hasBody, body, 10);
}

/** GET /v2/images (and the console's list): the query string as Glance reads it. */
export function readListQuery(query: URLSearchParams): ListQuery {
  return parseListRequest(query);
}

/** POST /v2/images (and the console's create): the JSON body, checked in Glance's order. */
export function readCreate(body: unknown): NewImage {
  return parseCreateBody(body);
}
