/**
 * The MCP tools' file arguments stay inside the workspace folder. An agent chooses every argument
 * of a tool call, and gtm's error lines quote the cells they refuse (`secret.csv:2: token "abc" is
 * not a non-negative number`): a file argument outside the workspace would let it read any file
 * gtm can read, cell by cell. Paths are compared after resolving symbolic links (the workspace's
 * own included), so a link inside the workspace to a file outside is refused too.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { canonicalFlag } from '../../commands/kit/flag-spec.ts';
import { usageError } from '../../errors/index.ts';

/** How a tool argument names a file: always a path, or a reference that is a path only when it looks like one. */
export type FileArgKind = 'path' | 'plan-ref';

const GLOB_CHARS = /[*?[{]/;
/** Entries a glob's folder is searched for links (a bound on the work a call can ask for). */
const MAX_ENTRIES = 100_000;

/** The real path of `p`: its deepest existing ancestor's real path, then the rest as written. */
async function realOf(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const parent = path.dirname(p);
    if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== p)
      return path.join(await realOf(parent), path.basename(p));
    throw err;
  }
}

const inside = (root: string, p: string) =>
  p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** The first link under `dir` (down to `depth` levels) that resolves outside `root`, if any. */
async function linkOutside(root: string, dir: string, depth: number): Promise<string | null> {
  let seen = 0;
  const walk = async (d: string, left: number): Promise<string | null> => {
    if (left <= 0) return null;
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return d;
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) {
        const real = await realOf(p).catch(() => p);
        if (!inside(root, real)) return p;
      } else if (e.isDirectory()) {
        const hit = await walk(p, left - 1);
        if (hit) return hit;
      }
    }
    return null;
  };
  return walk(dir, depth);
}

/**
 * Refuses (USAGE, naming the argument) a file argument that resolves outside `workspace`: relative
 * paths resolve against the workspace; a glob's fixed folder must be inside, it may not climb with
 * `..`, and no link under that folder may lead outside; nor under a folder given as such (a folder
 * of payloads or schemas is read whole). A `plan-ref` (plans show/diff: an id, `latest~N` or a plan
 * file) is checked when it names a file (ends in .json or holds a separator).
 *
 * @example
 * await confinePath('/srv/ws', 'paths', '../secret.csv'); // throws error[USAGE] paths: …
 */
export async function confinePath(
  workspace: string,
  name: string,
  value: string,
  kind: FileArgKind = 'path',
): Promise<void> {
  if (kind === 'plan-ref' && !/\.json$/i.test(value) && !/[\\/]/.test(value)) return;
  const root = await realpath(workspace);
  const refuse = (why: string) =>
    usageError(
      `${value} ${why} outside the workspace folder ${root}`,
      name,
      'MCP tools read files only inside the workspace (gtm mcp --workspace DIR): copy the file into it, or serve the folder that holds it',
    );
  const abs = path.resolve(root, value);
  if (GLOB_CHARS.test(value)) {
    if (value.split(/[\\/]/).includes('..')) throw refuse('holds a .. segment in a glob, which could lead');
    const base = globBase(abs);
    const realBase = await realOf(base);
    if (!inside(root, realBase)) throw refuse('is');
    const rest = path.relative(base, abs).split(path.sep);
    const depth = rest.includes('**') ? Infinity : rest.length;
    const link = await linkOutside(root, realBase, depth);
    if (link) throw refuse(`matches ${link}, a link that leads`);
    return;
  }
  const real = await realOf(abs);
  if (!inside(root, real)) {
    const isLink = await lstat(abs).then(
      (s) => s.isSymbolicLink(),
      () => false,
    );
    throw refuse(isLink ? 'is a link that leads' : 'is');
  }
  // a folder (of NDJSON payloads, of schemas) is read whole: no link under it may lead out
  const isDir = await stat(real).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) {
    const link = await linkOutside(root, real, Infinity);
    if (link) throw refuse(`holds ${link}, a link that leads`);
  }
}

/** The folders of an absolute glob before its first segment with a wildcard. */
function globBase(abs: string): string {
  const fixed: string[] = [];
  for (const part of abs.split(path.sep).slice(0, -1)) {
    if (GLOB_CHARS.test(part)) break;
    fixed.push(part);
  }
  return fixed.join(path.sep) || path.sep;
}

/**
 * Checks every file argument of a call (`fileArgs`: argument name → kind) that is a non-empty
 * string (list arguments: each item). An argument is matched in every spelling the commands accept
 * (`canonicalFlag`: `Paths`, `PATHS` and `paths` are one argument), so a different case or dash is
 * no way around the check.
 */
export async function confinePaths(
  workspace: string,
  args: Record<string, unknown>,
  fileArgs: Readonly<Record<string, FileArgKind>>,
): Promise<void> {
  for (const [key, v] of Object.entries(args)) {
    const name = canonicalFlag(key);
    if (!Object.hasOwn(fileArgs, name)) continue;
    const values = Array.isArray(v) ? v : [v];
    for (const x of values)
      if (typeof x === 'string' && x !== '') await confinePath(workspace, key, x, fileArgs[name]);
  }
}
