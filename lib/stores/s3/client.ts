// The SDK client of one S3 backend. No SDK logger is wired: the SDK would
// log request parameters and signatures. Timeouts as botocore's spirit: a
// dead endpoint fails in seconds, a stalled transfer after a minute of silence.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { logger } from '@/lib/log';
import { endpointSettings } from './location';
import type { S3BackendConfig } from '@/lib/config';

const CONNECT_TIMEOUT_MS = 10_000;
/** No byte in either direction for this long: the request fails (botocore's read_timeout). */
const IDLE_TIMEOUT_MS = 60_000;

export function createClient(id: string, c: S3BackendConfig): S3Client {
  const where = endpointSettings(c.host, c.regionName, c.bucketUrlFormat);
  // Parts of several uploads and downloads in flight at once; more than the SDK's 50 would queue.
  const maxSockets = Math.max(50, c.threadPools * 4);
  const client = new S3Client({
    endpoint: where.endpoint,
    region: where.region,
    forcePathStyle: where.forcePathStyle,
    credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey },
    // Glance's default (s3_store_enable_data_integrity_protection = False):
    // no extra CRC headers, which older RGW releases refuse.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The options of the SDK's own Node handler.
    requestHandler: {
      connectionTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: IDLE_TIMEOUT_MS,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets, ca: c.cacert ? readFileSync(c.cacert) : undefined }),
      // Only the handler's own warnings (socket pool at capacity): plain text, never request data.
      logger: {
        debug: () => {},
        info: () => {},
        warn: (msg: unknown) => logger.warn({ store: id }, String(msg)),
        error: (msg: unknown) => logger.error({ store: id }, String(msg)),
      },
    },
  });
  // botocore's rule (S3SigV4Auth._should_sha256_sign_payload), which Glance's
  // client follows: upload bodies are signed over plain http, not over TLS,
  // where hashing every part with SHA-256 would only cost CPU on both ends.
  if (where.endpoint.startsWith('https://')) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (UPLOADS.has(context.commandName ?? '')) {
          (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
        }
        return next(args);
      },
      { step: 'build', name: 'glanceUnsignedUploadBodies' },
    );
  }
  return client;
}

const UPLOADS = new Set(['PutObjectCommand', 'UploadPartCommand']);
