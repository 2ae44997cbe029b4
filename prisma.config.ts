import { defineConfig } from 'prisma/config';

// DATABASE_URL is read directly: Prisma's env() helper makes `prisma generate`
// fail when the variable is unset, and generation needs no database.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/glance' },
});
