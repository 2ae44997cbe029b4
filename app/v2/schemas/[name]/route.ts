// GET /v2/schemas/{image,images,member,members}: the documents requests are validated against.
import { NotFound } from '@/lib/errors';
import { json } from '@/lib/http/respond';
import { glanceRoute } from '@/lib/http/route';
import { SCHEMAS, type SchemaName } from '@/lib/images/schema';

export const dynamic = 'force-dynamic';

export const GET = glanceRoute<{ name: string }>(async ({ params }) => {
  const schema = Object.hasOwn(SCHEMAS, params.name) ? SCHEMAS[params.name as SchemaName] : null;
  if (!schema) throw new NotFound();
  return json(schema);
});
