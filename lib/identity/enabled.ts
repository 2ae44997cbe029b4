// The identity API is served only when this server is its own identity provider.
import { getConfig } from '@/lib/config';

export function identityEnabled(): boolean {
  const config = getConfig();
  return config.authFlavor === 'keystone' && config.keystoneAuthtoken === null;
}
