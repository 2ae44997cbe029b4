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
  // Image data moves through Pages API routes, which get Node's request and
  // response (see http/node-route.ts); the public paths stay Glance's.
  async rewrites() {
    return {
      beforeFiles: [
        { source: '/v2/images/:imageId/file', destination: '/api/image-data/v2/:imageId' },
        { source: '/api/console/images/:imageId/file', destination: '/api/image-data/console/:imageId' },
        // Password checks are throttled by the client's address, which only Pages API routes see (http/peer.ts).
        { source: '/v3/auth/tokens', destination: '/api/identity/tokens' },
        { source: '/v3/users/:userId/password', destination: '/api/identity/password/:userId' },
      ],
    };
  },
};
module.exports = nextConfig;
