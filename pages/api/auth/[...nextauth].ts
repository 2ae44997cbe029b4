// next-auth's endpoints (/api/auth/csrf, /callback/credentials, /signout,
// /session ...), in next-auth's Pages API form: a console sign-in is a
// password attempt, throttled like /v3/auth/tokens by the socket's peer
// address, which only Pages API routes see (http/peer.ts).
import type { NextApiRequest, NextApiResponse } from 'next';
import NextAuth from 'next-auth';
import { authOptions, signInSource } from '@/http/next-auth';
import { peerAddress } from '@/http/peer';

export default async function auth(req: NextApiRequest, res: NextApiResponse) {
  const options = await authOptions();
  return signInSource.run(peerAddress(req), () => NextAuth(req, res, options));
}

// A sign-in form is a few hundred bytes: Next's body parser stops reading (413) past this.
export const config = { api: { bodyParser: { sizeLimit: '100kb' } } };
