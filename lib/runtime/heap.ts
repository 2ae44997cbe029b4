// V8's old-generation growth, set for a server that streams image data.
//
// Every 64 KiB an upload reads from its socket is a fresh buffer (Node's HTTP
// parser copies each body chunk). They die young, but some are promoted, and
// with Next's small heap (~50 MB) V8's default growth keeps the old-generation
// limit just above it, so an upload of 1 GiB started ~30 full (incremental)
// markings of the whole heap, ~2.5 s of CPU on a 2-core machine that the hash
// threads need. Letting the heap grow to twice its live size after each
// collection: 9 markings per 3 GiB, the shared probe's upload 5.2 s -> 4.2 s
// (median of 3), and the peak RSS during the uploads did not grow (300 MB
// before, 256 MB after, in the same session).
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

export function tuneHeapForStreaming(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
