// Console: the metadata definitions that apply to a resource type (default
// OS::Glance::Image), prefixes applied, for the "Update metadata" dialog.
import { json } from '@/lib/http/respond';
import { consoleRoute } from '@/http/console-route';
import { metadataCatalog } from '@/lib/console/metadata-catalog';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ req, ctx }) =>
  json(await metadataCatalog(ctx, req.nextUrl.searchParams.get('resource_type') ?? 'OS::Glance::Image')),
);
