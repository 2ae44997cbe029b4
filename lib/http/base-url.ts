// The URL clients reach us at: Glance's public_endpoint, else the request's Host.
import { getConfig } from '@/lib/config';

export function baseUrl(req: Request): string {
  const configured = getConfig().publicEndpoint;
  if (configured) return configured;
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? `localhost:${getConfig().bindPort}`;
  const proto = req.headers.get('x-forwarded-proto') ?? 'http';
  return `${proto}://${host}`;
}
