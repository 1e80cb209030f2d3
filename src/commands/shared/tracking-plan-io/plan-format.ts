import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isSegmentPlan } from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';

/**
 * Tracking-plan formats `gtm events import|export` read and write. `gtm-json`, `gtm-yaml` and
 * `gtm-csv` are gtm's own (`gtm-tracking-plan/v1`); the others are tools' formats.
 */
export const PLAN_FORMATS = [
  'gtm-json',
  'gtm-yaml',
  'gtm-csv',
  'segment',
  'rudderstack',
  'amplitude',
  'iglu',
  'json-schema',
] as const;

export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** Formats written as a directory of files rather than one file. */
export const DIRECTORY_FORMATS: readonly PlanFormat[] = ['iglu', 'json-schema'];

export function isPlanFormat(value: string): value is PlanFormat {
  return (PLAN_FORMATS as readonly string[]).includes(value);
}

/** All files under a directory, sorted, skipping dot-files. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Guesses the format of a plan file or directory from its extension and content.
 *
 * @throws GtmError('INPUT') when nothing matches, listing the formats.
 */
export function detectPlanFormat(path: string): PlanFormat {
  try {
    return detectFormat(path);
  } catch (err) {
    if (err instanceof GtmError) throw err;
    const e = err as NodeJS.ErrnoException;
    const file = e.path && e.path !== path ? ` (${e.path})` : '';
    throw new GtmError('INPUT', `cannot read the plan${file} to tell its format: ${e.code ?? e.message}`, {
      where: path,
      hint:
        e.code === 'EACCES' || e.code === 'EPERM'
          ? 'make the file readable by the user running gtm'
          : 'check the path, or pass --format',
      cause: err,
    });
  }
}

function detectFormat(path: string): PlanFormat {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw new GtmError('INPUT', 'plan not found', { where: path, hint: 'check the path', cause: err });
  }
  if (stat.isDirectory()) {
    const files = listFiles(path);
    if (files.some((f) => /\.ya?ml$/i.test(f))) return 'rudderstack';
    const sample = files.find((f) => !/\.(md|txt)$/i.test(f));
    if (sample) {
      const text = readFileSync(sample, 'utf8');
      if (/"self"\s*:/.test(text)) return 'iglu';
      return 'json-schema';
    }
    throw new GtmError('INPUT', 'no plan files in directory', {
      where: path,
      hint: 'an Iglu repository or JSON Schema files expected',
    });
  }
  const ext = extname(path).toLowerCase();
  const head = readFileSync(path, 'utf8').slice(0, 4096);
  if (ext === '.csv')
    return /Object Type|Event Property Name/i.test(head.split(/\r?\n/)[0] ?? '') ? 'amplitude' : 'gtm-csv';
  if (ext === '.yaml' || ext === '.yml')
    return /gtm-tracking-plan\/v1/.test(head) ? 'gtm-yaml' : 'rudderstack';
  if (/"format"\s*:\s*"gtm-tracking-plan\/v1"/.test(head)) return 'gtm-json';
  if (/"self"\s*:\s*\{/.test(head)) return 'iglu';
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (isSegmentPlan(doc)) return 'segment';
    if (doc && typeof doc === 'object' && ('properties' in doc || '$schema' in doc)) return 'json-schema';
  } catch {
    // Not JSON; fall through.
  }
  if (/^\s*(version|kind)\s*:/m.test(head)) return 'rudderstack';
  throw new GtmError('INPUT', 'cannot tell the plan format', {
    where: path,
    hint: `pass --format (one of ${PLAN_FORMATS.join(', ')})`,
  });
}
