// GET /v2/schemas/metadefs/{namespace(s),object(s),property,properties,tag(s),resource_type(s)}.
import type { NextRequest } from 'next/server';
import { NotFound } from '@/lib/errors';
import { json } from '@/lib/http/respond';
import { glanceRoute, methodNotAllowed } from '@/http/glance-route';
import { METADEF_SCHEMAS } from '@/lib/metadefs/schemas';

export const dynamic = 'force-dynamic';

type Params = { name: string };
const known = (name: string) => Object.hasOwn(METADEF_SCHEMAS, name);

export const GET = glanceRoute<Params>(
  async ({ params }) => {
    if (!known(params.name)) throw new NotFound();
    return json(METADEF_SCHEMAS[params.name]);
  },
  { rejectBody: true },
);

// Other methods: 405 for a schema Glance serves, 404 (no such route) otherwise.
const notAllowed = methodNotAllowed(['GET']).POST!;
const other = async (req: NextRequest, segment: { params: Promise<Params> }) =>
  known((await segment.params).name) ? notAllowed(req) : glanceRoute(async () => { throw new NotFound(); })(req, { params: Promise.resolve({}) });
export { other as HEAD, other as POST, other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
