// What the console shows and offers about an image's interoperable imports:
// its tasks (as GET /v2/images/{id}/tasks lists them, see import-tasks.ts),
// the methods /v2/info/import lists, whether this caller may copy the image
// into more stores; and the console's own POST .../import.
import type { RequestContext } from '@/lib/auth/context';
import { BadRequest } from '@/lib/errors';
import { enabledImportMethods } from '@/lib/imports/methods';
import { startImport } from '@/lib/imports/start';
import { allows, imageTarget, type TargetImage } from '@/lib/policy';
import { imageTasks } from '@/lib/tasks/service';
import { importTaskEntry, type ImportTaskEntry } from './import-tasks';

export type { ImportTaskEntry };

export interface ImageImports {
  /** What GET /v2/info/import lists. */
  methods: string[];
  tasks: ImportTaskEntry[];
  /** The copy_image rule (admins by default) for this image. */
  mayCopy: boolean;
}

/** The import methods the console itself starts (glance-direct is its tus uploads' own path). */
export const CONSOLE_IMPORT_METHODS: readonly string[] = ['web-download', 'copy-image'];

export async function imageImports(ctx: RequestContext, image: TargetImage & { id: string }): Promise<ImageImports> {
  const { tasks } = (await imageTasks(ctx, image.id)) as { tasks: Record<string, unknown>[] };
  return {
    methods: enabledImportMethods(),
    tasks: tasks.map(importTaskEntry),
    mayCopy: allows(ctx, 'copy_image', imageTarget(ctx, image)),
  };
}

/** The console's POST .../import: Glance's import of the methods the console offers. */
export async function consoleImport(ctx: RequestContext, imageId: string, body: unknown): Promise<void> {
  const name = (body as { method?: { name?: unknown } } | null)?.method?.name;
  if (typeof name === 'string' && !CONSOLE_IMPORT_METHODS.includes(name)) {
    throw new BadRequest(`The console starts ${CONSOLE_IMPORT_METHODS.join(' and ')} imports; '${name}' is done through the API.`);
  }
  const started = await startImport(ctx, imageId, body, null);
  // Only glance-direct is forwarded to another node, and the console does not send it.
  if ('forwardTo' in started) throw new BadRequest('This import has to be requested through the API.');
}
