// The three default roles and Keystone's default implied-role chain:
// admin implies member, member implies reader (as `keystone-manage bootstrap` sets up).
export const DEFAULT_ROLES = ['admin', 'member', 'reader'] as const;

const IMPLIES: Record<string, string[]> = { admin: ['member'], member: ['reader'] };

/** The role names a token carries for these assigned names, implied ones included, each once. */
export function withImplied(names: string[]): string[] {
  const out: string[] = [];
  const visit = (n: string) => {
    if (out.includes(n)) return;
    out.push(n);
    for (const implied of IMPLIES[n] ?? []) visit(implied);
  };
  names.forEach(visit);
  return out;
}
