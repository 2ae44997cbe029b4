/** @type {import('next').NextConfig} */
const nextConfig = {
  // Glance answers /v2 with a 302 to /v2/ and keeps trailing slashes meaningful;
  // Next's default trailing-slash redirect would get in the way.
  skipTrailingSlashRedirect: true,
  // Native / server-only packages stay out of the bundle.
  serverExternalPackages: ['mariadb', '@prisma/adapter-mariadb', 'pino', '@tus/server', '@tus/file-store'],
  poweredByHeader: false,
  // Glance never compresses its answers; image data is not compressible anyway.
  compress: false,
  reactStrictMode: true,
};
module.exports = nextConfig;
