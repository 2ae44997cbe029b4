// Console: list images (Glance's filters, sort and marker paging) and create one.
import { json } from '@/lib/http/respond';
import { readJson } from '@/http/glance-route';
import { consoleRoute } from '@/http/console-route';
import { consoleImageList } from '@/lib/console/list';
import { imageListBody } from '@/lib/images/listing/links';
import { readCreate, readListQuery } from '@/lib/images/requests';
import { createImage } from '@/lib/images/image-service';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ req, ctx }) => {
  const query = req.nextUrl.searchParams;
  const { allowed, projectNames, ...page } = await consoleImageList(ctx, readListQuery(query));
  return json({ ...imageListBody(page, query), allowed, projectNames });
});

export const POST = consoleRoute(async ({ req, ctx }) => json(await createImage(ctx, readCreate(await readJson(req))), 201));
