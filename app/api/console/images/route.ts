// Console: list images (Glance's filters, sort and marker paging) and create one.
import { json } from '@/lib/http/respond';
import { readJson } from '@/http/glance-route';
import { consoleRoute } from '@/http/console-route';
import { consoleImageList } from '@/lib/console/list';
import { createImage } from '@/lib/images/service';

export const dynamic = 'force-dynamic';

export const GET = consoleRoute(async ({ req, ctx }) => json(await consoleImageList(ctx, req.nextUrl.searchParams)));

export const POST = consoleRoute(async ({ req, ctx }) => json(await createImage(ctx, await readJson(req)), 201));
