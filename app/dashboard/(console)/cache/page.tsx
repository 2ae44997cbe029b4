// The node's image cache (admins only, as Glance's cache API).
import { consoleContext } from '@/http/console-session';
import { CachePanel } from '@/components/console/cache-panel';

export const metadata = { title: 'Image cache · Glance console' };
export const dynamic = 'force-dynamic';

export default async function CachePage() {
  const ctx = await consoleContext();
  return (
    <div>
      <h1 className="text-2xl font-semibold">Image cache</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Images this node keeps on its local disk: downloads of them are served from here, even when their store is slow or
        out of reach. The first whole download of an image fills the cache; queued images are fetched in the background.
      </p>
      {ctx.isAdmin ? <CachePanel /> : <p role="alert" className="mt-4 text-sm text-red-700">Only administrators may manage the image cache.</p>}
    </div>
  );
}
