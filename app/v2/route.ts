// /v2 redirects to /v2/, which (like Glance) has nothing to show.
import { NotFound } from '@/lib/errors';
import { baseUrl } from '@/lib/http/base-url';
import { glanceRoute } from '@/http/glance-route';

export const dynamic = 'force-dynamic';

const handler = glanceRoute(async ({ req }) => {
  if (req.nextUrl.pathname.endsWith('/')) throw new NotFound();
  return new Response(null, {
    status: 302,
    headers: { Location: `${baseUrl(req)}/v2/`, 'Content-Type': 'text/plain; charset=utf8' },
  });
});
export { handler as GET, handler as HEAD, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
