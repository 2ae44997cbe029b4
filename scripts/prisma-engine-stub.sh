#!/bin/sh
# Stand-in for Prisma's schema engine on machines that cannot download it.
# `prisma generate` only needs the path to exist; migrations are applied by
# scripts/lib/migrate.ts instead.
echo "schema engine unavailable offline; migrations are applied by scripts/lib/migrate.ts" >&2
exit 1
