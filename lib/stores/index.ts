// The configured image stores of this process: one (single-store) or several
// with ids (multi-store), and which of them holds a given location.
import { getConfig, type BackendConfig, type StoresConfig } from '@/lib/config';
import { pyJson } from '@/lib/http/py-json';
import type { StoreDriver } from './driver';
import { FilesystemStore } from './filesystem';
import { S3Store } from './s3';

export type { StoreDriver };

const DRIVERS: Record<BackendConfig['type'], (b: BackendConfig) => StoreDriver> = {
  file: (b) => new FilesystemStore(b),
  s3: (b) => new S3Store(b),
};

export class StoreSet {
  private readonly drivers: StoreDriver[];

  constructor(private readonly config: StoresConfig) {
    this.drivers = config.backends.map((b) => DRIVERS[b.type](b));
  }

  /** enabled_backends is set: locations carry store ids and clients may pick a store. */
  get multiStore(): boolean {
    return this.config.multiStore;
  }

  get defaultId(): string {
    return this.config.defaultBackend;
  }

  all(): StoreDriver[] {
    return this.drivers;
  }

  byId(id: string): StoreDriver | undefined {
    return this.drivers.find((d) => d.id === id);
  }

  default(): StoreDriver {
    return this.byId(this.defaultId)!;
  }

  /**
   * The store holding a location: the one its metadata names (multi-store
   * locations carry {"store": id}), else the one whose URI it is (locations
   * written before enabled_backends was set). Null when none is configured.
   */
  forLocation(value: string, metaData?: string | null): StoreDriver | null {
    const named = storeIdOf(metaData);
    const byName = named ? this.byId(named) : undefined;
    if (byName?.owns(value)) return byName;
    return this.drivers.find((d) => d.owns(value)) ?? byName ?? null;
  }

  /**
   * The store id Glance shows for a location (the image's `stores`, the store
   * DELETE /v2/stores/{id}/... matches): the one its metadata names when that
   * store is enabled, else the one whose URI it is (Glance rewrites a legacy
   * location so when it reads the image), else the name it carries, if any.
   */
  locationStoreId(value: string, metaData?: string | null): string | null {
    const named = storeIdOf(metaData);
    if (named && this.byId(named)) return named;
    return this.forLocation(value)?.id ?? named;
  }

  /**
   * image_locations.meta_data for data a store holds: Glance records the store
   * id only in multi-store mode, as Python's json.dumps writes it ({"store": "fast"}).
   */
  locationMetadata(storeId: string): string {
    return this.multiStore ? pyJson({ store: storeId }) : '{}';
  }
}

/** The `store` of a location's meta_data JSON, if any. */
export function storeIdOf(metaData: string | null | undefined): string | null {
  if (!metaData) return null;
  try {
    const parsed = JSON.parse(metaData) as { store?: unknown };
    return typeof parsed?.store === 'string' ? parsed.store : null;
  } catch {
    return null;
  }
}

// Deliberately per module instance, not on globalThis: instrumentation and
// the route handlers are separate bundles with their own copies of the error
// classes, and errors thrown by one bundle's store would not be `instanceof`
// the other's (a 413 would turn into a 500).
let instance: StoreSet | null = null;

export function stores(): StoreSet {
  instance ??= new StoreSet(getConfig().stores);
  return instance;
}

/** The default store (where new data goes unless a store is named). */
export function store(): StoreDriver {
  return stores().default();
}

/** An upload's partial data, whichever store it was going to. */
export async function removePartialEverywhere(imageId: string): Promise<void> {
  await Promise.all(stores().all().map((s) => s.removePartial(imageId)));
}
