// Glance's personas over real tokens of the embedded identity service:
// a member and a reader of one project, a member of another, and the admin.
import { call } from './http';
import { client } from './http';
import { getToken, makeProjectUser, readOpenrc, type KeystoneServer } from './identity';

export type Client = ReturnType<typeof client>;

export interface Personas {
  admin: Client;
  /** member (and, implied, reader) of project-a */
  member: Client;
  /** reader only, of project-a */
  reader: Client;
  /** member of project-b */
  other: Client;
  projectA: string;
  projectB: string;
  /** Password sign-in fields for the console, per persona. */
  login: Record<'member' | 'reader' | 'other', { username: string; password: string; project: string; domain: string }>;
}

/** A user on an existing project with one role, made through /v3 as the admin. */
export async function addUser(base: string, adminToken: string, projectId: string, name: string, password: string, role: string): Promise<string> {
  const h = { 'X-Auth-Token': adminToken };
  const u = await call(base, 'POST', '/v3/users', { body: { user: { name, password, default_project_id: projectId } }, headers: h });
  if (u.status !== 201) throw new Error(`create user: ${u.status} ${u.text}`);
  const roles = await call(base, 'GET', `/v3/roles?name=${role}`, { headers: h });
  const g = await call(base, 'PUT', `/v3/projects/${projectId}/users/${u.json.user.id}/roles/${roles.json.roles[0].id}`, { headers: h });
  if (g.status !== 204) throw new Error(`grant: ${g.status} ${g.text}`);
  return u.json.user.id as string;
}

export async function makePersonas(server: KeystoneServer): Promise<Personas> {
  const env = readOpenrc(server.openrc);
  const adminToken = await getToken(server.url, env.OS_USERNAME, env.OS_PASSWORD, env.OS_PROJECT_NAME);
  const { projectId: projectA } = await makeProjectUser(server.url, adminToken, 'project-a', 'mia', 'mia-pw', 'member');
  const { projectId: projectB } = await makeProjectUser(server.url, adminToken, 'project-b', 'otto', 'otto-pw', 'member');
  await addUser(server.url, adminToken, projectA, 'rita', 'rita-pw', 'reader');
  const as = async (user: string, pw: string, project: string) => client(server.url, { 'X-Auth-Token': await getToken(server.url, user, pw, project) });
  return {
    admin: client(server.url, { 'X-Auth-Token': adminToken }),
    member: await as('mia', 'mia-pw', 'project-a'),
    reader: await as('rita', 'rita-pw', 'project-a'),
    other: await as('otto', 'otto-pw', 'project-b'),
    projectA,
    projectB,
    login: {
      member: { username: 'mia', password: 'mia-pw', project: 'project-a', domain: 'Default' },
      reader: { username: 'rita', password: 'rita-pw', project: 'project-a', domain: 'Default' },
      other: { username: 'otto', password: 'otto-pw', project: 'project-b', domain: 'Default' },
    },
  };
}

/** Glance's 403 body text for a refused rule (the HTML page carries it). */
export const refusal = (rule: string) => `You are not authorized to complete ${rule} action.`;
