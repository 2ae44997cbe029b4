// Where the project is and how our entry points read their arguments; shared
// by the TypeScript run through tsx and the bundles in dist/ (bootstrap.mjs).
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, found upwards from this file (scripts/lib or dist/). */
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(__dirname);

/** `--name value` or `--name=value`. */
export function argValue(args: string[], name: string): string | null {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return null;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1] ?? null;
}
