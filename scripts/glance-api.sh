#!/bin/sh
# The server process, with its process-wide settings: the one place for them.
# `npm start`, the test suite's servers and the benchmark all run this, so
# every way of running gives the same process. Settings that glibc and V8 read
# when a process starts cannot be made from inside it; hence a launcher.
#
# MALLOC_ARENA_MAX=2: glibc gives every thread that allocates (the hash
#   workers, libuv's pool) its own malloc arena; uploads left ~30-45 MB more
#   RSS in them. With two, the peak RSS over four 1 GiB uploads went from ~290
#   to ~245 MB at the same upload speed.
# --heap-growing-percent=100: every 64 KiB read from an upload's socket is a
#   fresh buffer; with Next's small heap V8's default growth started ~30 full
#   markings per GiB uploaded (~2.5 s of CPU the hash threads need). Letting
#   the heap grow to twice its live size: 9 markings per 3 GiB, the upload
#   5.2 s -> 4.2 s, peak RSS not higher.
# --max-semi-space-size=2: the young generation stays small (V8 lets it grow
#   to 3 x 16 MB): ~25 MB less RSS idle and during uploads; see the README's
#   benchmark section for its cost.
# MALLOC_MMAP_THRESHOLD_=131072: a fixed threshold, so every buffer over
#   128 KiB (an S3 upload's 5 MiB parts) is its own mapping, given back to
#   the OS when freed. Left dynamic, glibc raised it past 5 MiB after the
#   first part was freed and later parts fragmented the arena: RSS then kept
#   the upload's high-water mark. With it RSS follows the live buffers (S3
#   upload then download: server 282 -> 268 MiB; idle 192 -> 175 MiB). It
#   does not lower the S3 upload's peak (299 -> 297 MiB): lib-storage's
#   part buffers waiting for a full GC, which V8 starts late.
# AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the pinned AWS SDK supports
#   Node 20; its notice about later releases needing Node 22 is not for operators.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-131072}"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"
export NODE_ENV=production
export NEXT_TELEMETRY_DISABLED=1
here=$(dirname "$0")
exec node --heap-growing-percent=100 --max-semi-space-size=2 "$here/../dist/serve.cjs" "$@"
