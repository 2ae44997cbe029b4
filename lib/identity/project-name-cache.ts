// A brief cache of project names: the ids not seen lately are looked up in
// one call, known and unknown ids alike are kept for the TTL.

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

type Load = (ids: string[]) => Promise<Map<string, string>>;

/** A brief cache over `load`; ids it does not know are remembered too, so a page of them costs one query per TTL. */
export function projectNameCache(load: Load, ttlMs = TTL_MS, now: () => number = Date.now) {
  const cache = new Map<string, { name: string | null; at: number }>();
  return async (ids: Iterable<string | null | undefined>): Promise<Record<string, string>> => {
    const want = [...new Set([...ids].filter((id): id is string => !!id))];
    const t = now();
    const names: Record<string, string> = {};
    const missing: string[] = [];
    for (const id of want) {
      const hit = cache.get(id);
      if (!hit || t - hit.at >= ttlMs) missing.push(id);
      else if (hit.name) names[id] = hit.name;
    }
    if (missing.length) {
      const found = await load(missing);
      if (cache.size + missing.length > MAX_ENTRIES) cache.clear(); // bounded: a busy site's ids cannot grow it forever
      for (const id of missing) {
        const name = found.get(id) ?? null;
        cache.set(id, { name, at: t });
        if (name) names[id] = name;
      }
    }
    return names;
  };
}
