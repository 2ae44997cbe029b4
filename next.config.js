/** @type {import('next').NextConfig} */
const nextConfig = {
  // Glance answers /v2 with a 302 to /v2/ and keeps trailing slashes meaningful;
  // Next's default trailing-slash redirect would get in the way.
  skipTrailingSlashRedirect: true,
  // Native / server-only packages stay out of the bundle.
  serverExternalPackages: ['mariadb', 'elkjs', '@prisma/adapter-mariadb', 'pino', '@tus/server', '@tus/file-store'],
  poweredByHeader: false,
  // Glance never compresses its answers; image data is not compressible anyway.
  compress: false,
  reactStrictMode: true,
  // Every rewrite, public URL -> handler. Pages API routes, whose files mirror
  // the public path under pages/api/, because they need Node's request and
  // response (image data without conversion: http/node-route.ts) or the
  // socket's peer address (password throttling: http/peer.ts):
  //   /v2/images/{imageId}/file     -> pages/api/v2/images/[imageId]/file.ts
  //   /v2/images/{imageId}/stage    -> pages/api/v2/images/[imageId]/stage.ts
  //   /v3/auth/tokens               -> pages/api/v3/auth/tokens.ts
  //   /v3/users/{userId}/password   -> pages/api/v3/users/[userId]/password.ts
  // Pages API routes at their own public path (no rewrite):
  //   /api/console/images/{imageId}/file and the tus endpoint /api/console/uploads[/{id}]
  //   (pages/api/console/...), /api/auth/* (next-auth).
  async rewrites() {
    return {
      beforeFiles: [
        { source: '/v2/images/:imageId/file', destination: '/api/v2/images/:imageId/file' },
        { source: '/v2/images/:imageId/stage', destination: '/api/v2/images/:imageId/stage' },
        { source: '/v3/auth/tokens', destination: '/api/v3/auth/tokens' },
        { source: '/v3/users/:userId/password', destination: '/api/v3/users/:userId/password' },
      ],
    };
  },
};
module.exports = nextConfig;
