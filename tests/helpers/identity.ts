// Helpers for tests of the embedded identity service: a server in the
// `keystone` flavor with its admin-openrc in its own temp dir, tokens, and
// projects/users made through the real /v3 API.
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { call } from './http';
import { startServer, type ServerOptions, type TestServer } from './server';

export interface KeystoneServer extends TestServer {
  openrc: string;
}

/** A server that is its own identity provider; its admin-openrc lands in its temp dir. */
export async function startKeystoneServer(opts: { identity?: string; extraConfig?: string } & Pick<ServerOptions, 'storeConfig'> = {}): Promise<KeystoneServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glance-test-'));
  const openrc = path.join(dir, 'admin-openrc');
  const server = await startServer({
    dir,
    flavor: 'keystone',
    storeConfig: opts.storeConfig,
    extraConfig: ['[identity]', `admin_openrc = ${openrc}`, opts.identity ?? '', opts.extraConfig ?? ''].join('\n'),
  });
  return { ...server, openrc };
}

/** The variables that `. admin-openrc` would export. */
export function readOpenrc(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (v.startsWith("'")) v = v.slice(1, -1).replace(/'\\''/g, "'");
    env[m[1]] = v;
  }
  return env;
}

export function passwordAuth(user: string, password: string, project?: string | null) {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
      ...(project === null ? { scope: 'unscoped' } : project ? { scope: { project: { name: project, domain: { name: 'Default' } } } } : {}),
    },
  };
}

/** A project-scoped token for user/password on project, or throws. */
export async function getToken(base: string, user: string, password: string, project: string): Promise<string> {
  const r = await call(base, 'POST', '/v3/auth/tokens', { body: passwordAuth(user, password, project) });
  if (r.status !== 201) throw new Error(`token for ${user}@${project}: ${r.status} ${r.text}`);
  return r.headers.get('x-subject-token')!;
}

/** Create a project and a user with `role` on it, as the admin; returns their ids. */
export async function makeProjectUser(base: string, adminToken: string, project: string, user: string, password: string, role = 'member') {
  const h = { 'X-Auth-Token': adminToken };
  const p = await call(base, 'POST', '/v3/projects', { body: { project: { name: project, domain_id: 'default' } }, headers: h });
  if (p.status !== 201) throw new Error(`create project: ${p.status} ${p.text}`);
  const u = await call(base, 'POST', '/v3/users', { body: { user: { name: user, password, default_project_id: p.json.project.id } }, headers: h });
  if (u.status !== 201) throw new Error(`create user: ${u.status} ${u.text}`);
  const roles = await call(base, 'GET', `/v3/roles?name=${role}`, { headers: h });
  const roleId = roles.json.roles[0].id;
  const g = await call(base, 'PUT', `/v3/projects/${p.json.project.id}/users/${u.json.user.id}/roles/${roleId}`, { headers: h });
  if (g.status !== 204) throw new Error(`grant: ${g.status} ${g.text}`);
  return { projectId: p.json.project.id as string, userId: u.json.user.id as string };
}

export interface SignInReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** POST /v3/auth/tokens from a chosen loopback address (all of 127/8 is local on Linux). */
export function signInFrom(port: number, from: string, auth: object, headers: Record<string, string> = {}): Promise<SignInReply> {
  const body = JSON.stringify(auth);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, localAddress: from, method: 'POST', path: '/v3/auth/tokens', agent: false, headers: { 'Content-Type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text, ms: performance.now() - t0 }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
