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
# AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: the pinned AWS SDK supports
#   Node 20; its notice about later releases needing Node 22 is not for operators.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED="${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}"
export NODE_ENV=production
export NEXT_TELEMETRY_DISABLED=1
here=$(dirname "$0")
exec node --heap-growing-percent=100 --max-semi-space-size=2 "$here/../dist/serve.cjs" "$@"
