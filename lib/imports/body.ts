// POST /v2/images/{id}/import's body, checked as Glance's RequestDeserializer
// (_validate_import_body) and get_stores_from_request do, in their order and
// words. Pure: the unit tests cover every rule.
import { BadRequest } from '@/lib/errors';

export interface ImportRequest {
  method: { name: string; uri?: unknown; glance_image_id?: unknown; glance_region?: unknown; glance_service_interface?: unknown } & Record<string, unknown>;
  stores?: unknown;
  all_stores: boolean;
  all_stores_must_succeed: boolean;
  /** The body as sent: Glance keeps it in the task's input (import_req). */
  raw: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** _validate_import_body: method, method.name (one of `enabled`), the two booleans. */
export function parseImportBody(body: unknown, enabled: readonly string[]): ImportRequest {
  const doc = isObject(body) ? body : {};
  if (!Object.hasOwn(doc, 'method')) throw new BadRequest("Import request requires a 'method' field.");
  const method = isObject(doc.method) ? doc.method : {};
  if (!Object.hasOwn(method, 'name')) throw new BadRequest("Import request requires a 'name' field.");
  const name = method.name;
  if (typeof name !== 'string' || !enabled.includes(name)) throw new BadRequest(`Unknown import method name '${pyStr(name)}'.`);
  const mustSucceed = Object.hasOwn(doc, 'all_stores_must_succeed') ? doc.all_stores_must_succeed : true;
  if (typeof mustSucceed !== 'boolean') throw new BadRequest("'all_stores_must_succeed' must be boolean value only");
  const allStores = Object.hasOwn(doc, 'all_stores') ? doc.all_stores : false;
  if (typeof allStores !== 'boolean') throw new BadRequest("'all_stores' must be boolean value only");
  return { method: { ...method, name }, stores: doc.stores, all_stores: allStores, all_stores_must_succeed: mustSucceed, raw: doc };
}

/** Python's str() of a JSON value, for messages that print what was sent. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

/**
 * get_stores_from_request: the target stores (multi-store only). all_stores
 * means every enabled store (none of Glance's reserved ones); otherwise
 * `stores`, or the X-Image-Meta-Store header, or the default store. Each must
 * exist (an unknown one is returned for the caller's 409).
 */
export function requestedStores(
  req: Pick<ImportRequest, 'stores' | 'all_stores'> & { raw: Record<string, unknown> },
  header: string | null,
  known: { all: readonly string[]; default: string },
): { stores: string[]; unknown: string | null } {
  let stores: unknown[];
  if (req.all_stores) {
    if (Object.hasOwn(req.raw, 'stores') || header !== null) {
      throw new BadRequest("All_stores parameter can't be used with x-image-meta-store header or stores parameter");
    }
    stores = [...known.all];
  } else if (Object.hasOwn(req.raw, 'stores')) {
    if (header !== null) throw new BadRequest("Stores parameter and x-image-meta-store header can't be both specified");
    // Glance iterates what it was given: a string's characters, an object's keys (else it fails with a 500).
    if (typeof req.stores === 'string') stores = [...req.stores];
    else if (req.stores !== null && typeof req.stores === 'object') stores = Array.isArray(req.stores) ? req.stores : Object.keys(req.stores);
    else throw new BadRequest(`Invalid stores: ${pyStr(req.stores)}`);
  } else {
    stores = [header ?? known.default];
  }
  for (const s of stores) if (typeof s !== 'string' || !known.all.includes(s)) return { stores: [], unknown: pyStr(s) };
  return { stores: stores as string[], unknown: null };
}
