import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { commandTemplate, INIT_COMMANDS } from '../../commands/init/command-template.ts';
import { usageError } from '../../errors/index.ts';
import type { CliCommand } from '../command.ts';

const CONFIG_FILE = 'gtm.yaml';

/** The nearest folder or file on the way up from `dir` that exists (`dir` itself when it does). */
function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/** Whether `p` is a folder (false when it is missing or cannot be looked at). */
function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const DATA_FILE = /\.(csv|tsv|parquet|ndjson|jsonl|json)$/i;
/** A project's own JSON files, not exports. */
const NOT_DATA = /^(package(-lock)?|tsconfig(\..*)?|.*\.schema)\.json$/i;

/**
 * The data files in the folder of gtm.yaml (not below it), sorted, for the message after writing:
 * the template's sources read `data/opportunities.csv` and `data/touchpoints/*.csv`, and a user who
 * ran `gtm init` beside their exports otherwise learns that only from `gtm doctor`'s "file not found".
 */
export function dataFilesIn(folder: string): string[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
      .filter(
        (e) => e.isFile() && DATA_FILE.test(e.name) && !e.name.startsWith('.') && !NOT_DATA.test(e.name),
      )
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** What to do after `gtm init`, naming the data files found beside gtm.yaml (up to 8). */
export function initNextStep(files: readonly string[], command = 'track-source'): string {
  if (command === 'define-events')
    return 'define-events reads no source: run `gtm doctor`, then e.g. `gtm define-events --use-case "pipeline velocity" --sources product,crm --tools Segment,dbt` (uncomment events.payloads to validate captured payloads).';
  if (command !== 'track-source')
    return `Put one CSV per source under data/ (data/<entity>.csv, canonical headers as listed in gtm.yaml, or map yours), set the ${command} settings, then run \`gtm doctor\`.`;
  if (!files.length) return 'Edit sources and campaigns, then run `gtm doctor`.';
  const shown = files.slice(0, 8).join(', ') + (files.length > 8 ? `, and ${files.length - 8} more` : '');
  return `Data files here: ${shown}. The starter's sources read data/opportunities.csv and data/touchpoints/*.csv: point each source's path at your files, map your column names under its mapping (canonical: yours), edit campaigns, then run \`gtm doctor\`.`;
}

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'Create a starter gtm.yaml in the current folder',
  usage: 'gtm init [--command CMD] [--force] [--config FILE]',
  flags: [
    { name: 'force', type: 'boolean', description: 'overwrite an existing gtm.yaml' },
    {
      name: 'command',
      type: 'string',
      choices: [...INIT_COMMANDS],
      description:
        "the command the workspace is for: its sources at data/<entity>.csv with each entity's columns, and its settings with their defaults",
      default: 'track-source',
    },
  ],
  async run(args, ctx) {
    const given = ctx.global.config;
    const target = path.resolve(ctx.cwd, given ?? CONFIG_FILE);
    const rel = (p: string) => path.relative(ctx.cwd, p) || '.';
    // where a refusal points: the flag as typed, or the default file
    const where = given === undefined ? target : `--config ${given}`;
    const folder = path.dirname(target);
    const existing = nearestExisting(folder);
    if (!isFolder(existing))
      throw usageError(
        `${rel(existing)} is a file, not a folder, so ${rel(target)} cannot be created`,
        where,
        'pass a path inside a folder',
      );
    if (isFolder(target)) {
      // never written over, --force or not: the file goes inside it, or somewhere else
      const inside = path.join(given ?? CONFIG_FILE, CONFIG_FILE);
      const there = existsSync(path.join(target, CONFIG_FILE));
      throw usageError(
        'is a folder, not a config file',
        where,
        given === undefined
          ? `move the folder ${CONFIG_FILE} away, or pass --config FILE`
          : there
            ? `${inside} already exists; pass --config ${inside} --force to overwrite it, or name a new file`
            : `pass the file to create: --config ${inside}`,
      );
    }
    if (existsSync(target) && !args.flags.force)
      throw usageError(
        `${given === undefined ? CONFIG_FILE : rel(target)} already exists`,
        where,
        'pass --force to overwrite it',
      );
    const { writeReportFiles } = await import('../../report/write-report-files.ts');
    // The guarded writer: atomic, never through a link, an IO error naming the path on failure. It
    // creates the missing folders of the path (`--config new-workspace/gtm.yaml`).
    const command = String(args.flags.command ?? 'track-source');
    await writeReportFiles(folder, [{ name: path.basename(target), content: commandTemplate(command) }]);
    const created = existing !== folder ? ` (created the folder ${rel(folder)})` : '';
    const files = dataFilesIn(folder);
    ctx.out.result(
      { written: target, ...(command === 'track-source' ? {} : { command }), data_files: files },
      () => `Wrote ${rel(target)}${created}. ${initNextStep(files, command)}`,
    );
    return 0;
  },
};
