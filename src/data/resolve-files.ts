/**
 * A file source's `path` → the files to read and their format, or an INPUT error that names the
 * config key to fix. Globs are expanded by DuckDB's `glob()` so that they mean what DuckDB means.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { GtmError } from '../errors/index.ts';
import type { Engine } from './engine.ts';
import type { FileFormat, FileSourceSpec } from './source-spec.ts';
import { literal } from './sql-text.ts';

export interface ResolvedFiles {
  /** Absolute, sorted. */
  files: string[];
  format: FileFormat;
  /** The directory names in fingerprints are relative to (the glob's fixed prefix). */
  root: string;
}

const GLOB_CHARS = /[*?[]/;

/** Whether a source's path is a glob (matched by DuckDB's `glob()`), not one file's path. */
export const isGlob = (path: string) => GLOB_CHARS.test(path);

const FORMAT_BY_EXTENSION: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
};

/**
 * Expands and checks a file source's path.
 *
 * @example
 * const { files, format } = await resolveFiles(engine, { name: 'crm', kind: 'file', path: 'data/*.csv' });
 */
export async function resolveFiles(engine: Engine, spec: FileSourceSpec): Promise<ResolvedFiles> {
  const baseDir = resolve(spec.baseDir ?? process.cwd());
  const pattern = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
  const hint = `check sources.${spec.name}.path in gtm.yaml (relative paths resolve against ${baseDir})`;
  let files: string[];
  let root: string;
  if (GLOB_CHARS.test(spec.path)) {
    root = globRoot(pattern);
    const rows = await engine.query<{ file: string }>(
      `SELECT file FROM glob(${literal(pattern)}) ORDER BY file`,
    );
    files = [];
    for (const { file } of rows)
      if ((await stat(file).catch(() => null))?.isFile()) files.push(resolve(file));
    if (files.length === 0) {
      throw new GtmError('INPUT', 'no files match this pattern', { where: pattern, hint });
    }
  } else {
    const info = await stat(pattern).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
        throw new GtmError('INPUT', 'file not found', { where: pattern, hint, cause: err });
      }
      throw unreadable(pattern, err);
    });
    if (info.isDirectory()) {
      throw new GtmError('INPUT', `${pattern} is a directory, not a file`, {
        where: pattern,
        hint: `point sources.${spec.name}.path at a file or a glob such as ${spec.path.replace(/\/?$/, '/')}*.csv`,
      });
    }
    files = [pattern];
    root = resolve(pattern, '..');
  }
  for (const file of files) {
    await access(file, constants.R_OK).catch((err: NodeJS.ErrnoException) => {
      throw unreadable(file, err);
    });
  }
  const format = spec.format ?? inferFormat(spec, files);
  await refuseEmptyFiles(spec, files, format, GLOB_CHARS.test(spec.path));
  return { files, format, root };
}

/**
 * One rule for an empty file (0 bytes), however the path names it: refused, naming the file. A glob
 * skipped it silently (0 rows, in no row accounting, warning or doctor check), where the same file
 * as the source's path was an INPUT error; an empty export is usually a failed one. A CSV with a
 * header and no rows is 0 rows, not empty (`emptyCsvError` covers a CSV without a header).
 */
async function refuseEmptyFiles(
  spec: FileSourceSpec,
  files: string[],
  format: FileFormat,
  glob: boolean,
): Promise<void> {
  const empty: string[] = [];
  for (const file of files) if ((await stat(file).catch(() => null))?.size === 0) empty.push(file);
  if (empty.length) throw emptyFileError(spec, empty, files.length, glob, format);
}

/**
 * The error for empty files of a source (the first named; `total` files matched): the same line for
 * a CSV without a header (`loadCsv`) and for any file of 0 bytes.
 */
export function emptyFileError(
  spec: Pick<FileSourceSpec, 'name' | 'path'>,
  empty: string[],
  total: number,
  glob: boolean,
  format: FileFormat,
): GtmError {
  const what = format === 'csv' ? 'empty file, no header and no rows' : 'empty file (0 bytes), no rows';
  if (!glob || total === 1)
    return new GtmError('INPUT', what, {
      where: empty[0],
      hint: `check sources.${spec.name}.path in gtm.yaml points at the export you meant`,
    });
  const others = empty.length - 1;
  const matched = `the ${total} files that sources.${spec.name}.path ${spec.path} matches`;
  const names = empty
    .slice(1, 4)
    .map((f) => f.split(/[\\/]/).pop())
    .join(', ');
  return new GtmError(
    'INPUT',
    others
      ? `${what} (${empty.length} of ${matched} are empty: also ${names}${others > 3 ? ', …' : ''})`
      : `${what} (one of ${matched})`,
    {
      where: empty[0],
      hint: `a glob reads every file it matches: re-export the file or move it out of the folder${format === 'csv' ? ' (a CSV with only its header is read as 0 rows)' : ''}`,
    },
  );
}

/** The `sha256sum`-style name of a file: relative to the glob root, with forward slashes. */
export function manifestName(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

function inferFormat(spec: FileSourceSpec, files: string[]): FileFormat {
  const fromPattern = FORMAT_BY_EXTENSION[extname(spec.path).toLowerCase()];
  if (fromPattern && !GLOB_CHARS.test(extname(spec.path))) return fromPattern;
  const formats = new Set(files.map((f) => FORMAT_BY_EXTENSION[extname(f).toLowerCase()]));
  const [only] = formats;
  if (formats.size === 1 && only !== undefined) return only;
  const known = Object.keys(FORMAT_BY_EXTENSION).join(' ');
  throw new GtmError('INPUT', `cannot tell the format of ${spec.path} from its extension`, {
    where: `sources.${spec.name}.path`,
    hint: `set sources.${spec.name}.format to csv, parquet, ndjson or json (known extensions: ${known})`,
  });
}

function globRoot(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (GLOB_CHARS.test(part)) break;
    fixed.push(part);
  }
  return fixed.join('/') || '/';
}

function unreadable(path: string, err: NodeJS.ErrnoException): GtmError {
  const why = err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : (err.code ?? err.message);
  return new GtmError('INPUT', `cannot read ${path}: ${why}`, {
    where: path,
    hint: 'make the file readable by the user running gtm',
    cause: err,
  });
}
