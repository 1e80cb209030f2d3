/**
 * What the README and the command pages tell a new user about flags and gtm.yaml keys is what the
 * parser and the schema accept, read from the declarations themselves (not from a copy):
 * - each command page's flag table and usage block: every flag of the command is there, under its
 *   names (aliases as the parser takes them), its default and its values;
 * - every `--flag` the docs give a `gtm <command>` is one that command accepts, and the README
 *   section of attribute, experiment-readout and events (engine load: with docs/scale-out.md), or
 *   the README anywhere for demo, init, doctor, mcp and plans, names every flag of the command;
 * - the gtm.yaml reference table: one row per top-level key of the schema, naming every key under it;
 * - every gtm.yaml example block validates against the schema (no key the loader would refuse), and
 *   every key path the docs name in backticks (`thresholds.max_reject_rate`) is one it accepts;
 * - every key of the referrals / loyalty / personalization schemas is named on its command's page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GLOBAL_FLAGS, type CliCommand, type FlagSpec } from '../../../src/cli/command.ts';
import { COMMANDS } from '../../../src/cli/registry.ts';
import { kebab } from '../../../src/commands/kit/flag-spec.ts';
import { SCHEMA_OPTIONS, SCHEMA_PATH, schemaParts } from '../../../src/workspace/load-workspace.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const PAGES = [
  'track-source',
  'optimize-referrals',
  'define-events',
  'monitor-loyalty',
  'monitor-personalization',
] as const;
const DOCS = [
  'README.md',
  ...['adding-a-command', 'architecture', 'errors', 'performance', 'scale-out'].map((d) => `docs/${d}.md`),
  ...PAGES.map((p) => `docs/commands/${p}.md`),
];

const command = (name: string): CliCommand => {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(`no command ${name}`);
  return c;
};
const names = (f: FlagSpec) => [f.name, ...(f.aliases ?? [])].map((n) => `--${kebab(n)}`);
/** `--flag` as the parser reads it: kebab or snake case, any letter case. */
const norm = (flag: string) => flag.toLowerCase().replace(/_/g, '-');

/** The rows of a page's `| flag | values | default |` table: names, values cell, default cell. */
function flagTable(page: string): { names: string[]; values: string; dflt: string }[] {
  const rows: { names: string[]; values: string; dflt: string }[] = [];
  let inTable = false;
  for (const line of page.split('\n')) {
    if (/^\| flag \| values \| default \|$/.test(line)) inTable = true;
    else if (!line.startsWith('|')) inTable = false;
    else if (inTable && !line.startsWith('|---')) {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
      rows.push({
        names: [...cells[0].matchAll(/`(--[a-z_-]+)`/g)].map((m) => norm(m[1])),
        values: cells.slice(1, -1).join('|'),
        dflt: cells[cells.length - 1],
      });
    }
  }
  return rows;
}

/** The page's usage block: the first fenced block, its lines joined. */
function usageBlock(page: string): string {
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(page);
  return m ? m[1] : '';
}

const shown = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));

describe('each command page documents its flags as the parser declares them', () => {
  for (const name of PAGES) {
    const cmd = command(name);
    const page = read(`docs/commands/${name}.md`);
    const table = flagTable(page);
    const usage = usageBlock(page);

    it(`${name}: every flag is in its flag table or usage block (--snapshot is the README's, for every command)`, () => {
      const documented = new Set([
        ...table.flatMap((r) => r.names),
        ...[...usage.matchAll(/--([a-z][a-z_-]*)/g)].map((m) => norm(`--${m[1]}`)),
      ]);
      const missing = cmd.flags
        .filter((f) => f.name !== 'snapshot' && !names(f).some((n) => documented.has(n)))
        .map((f) => `--${kebab(f.name)}`);
      expect(missing.join(', ')).toBe('');
    });

    it(`${name}: the flag table's names, aliases, values and defaults are the declared ones`, () => {
      for (const row of table) {
        const spec = cmd.flags.find((f) => names(f).includes(row.names[0]));
        expect(spec, `${row.names[0]} is no flag of ${name}`).toBeDefined();
        if (!spec) continue;
        expect(row.names, `${row.names[0]}: its names and aliases`).toEqual(
          expect.arrayContaining(names(spec)),
        );
        expect(row.names.filter((n) => !names(spec).includes(n))).toEqual([]);
        if (spec.default !== undefined && spec.default !== false)
          expect(row.dflt, `${row.names[0]}: default`).toContain(`\`${shown(spec.default)}\``);
        for (const choice of spec.choices ?? [])
          expect(row.values, `${row.names[0]}: value ${choice}`).toContain(`\`${choice}\``);
        if (spec.choices) {
          const before = row.values.split('(')[0];
          for (const m of before.matchAll(/`([^`]+)`/g))
            expect(spec.choices, `${row.names[0]}: the table's value ${m[1]}`).toContain(m[1]);
        }
      }
    });

    it(`${name}: the usage block's values of a flag with choices are among them`, () => {
      for (const spec of cmd.flags.filter((f) => f.choices)) {
        for (const n of names(spec)) {
          const m = new RegExp(`${n}[ =]([a-z][a-z,|-]*)`).exec(usage);
          if (m) for (const v of m[1].split(/[,|]/)) expect(spec.choices, `${n} ${v}`).toContain(v);
        }
      }
    });
  }
});

/** Every `gtm <command> [subcommand] …` the docs show, inline or in a fenced block. */
function usages(text: string): { cmd: CliCommand; line: string }[] {
  // inline code spans, paired outside the fenced blocks (whose backticks would shift the pairing)
  const prose = text.replace(/```[\s\S]*?```/g, '');
  const snippets = [
    ...[...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((c) => /\bgtm /.test(c)),
    ...[...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].flatMap((m) => m[1].replace(/\\\n/g, ' ').split('\n')),
  ];
  const out: { cmd: CliCommand; line: string }[] = [];
  for (const s of snippets)
    for (const m of s.matchAll(
      /\bgtm (?:run '\/[a-z-]+:)?([a-z-]+)(?: ([a-z]+))?((?:[^`|;#]|\|(?=[a-z]))*)/g,
    )) {
      const top = COMMANDS.find((c) => c.name === m[1]);
      if (!top) continue;
      const sub = top.subcommands?.find((c) => c.name === m[2]);
      if (top.subcommands?.length && !sub) continue;
      out.push({ cmd: sub ?? top, line: sub ? m[3] : `${m[2] ?? ''}${m[3]}` });
    }
  return out;
}

describe('every flag the docs give a command is one it accepts', () => {
  for (const doc of DOCS)
    it(doc, () => {
      const found = usages(read(doc));
      if (doc === 'README.md') expect(found.length).toBeGreaterThan(100);
      const unknown: string[] = [];
      for (const { cmd, line } of found) {
        const flags = [...cmd.flags, ...GLOBAL_FLAGS];
        const accepted = new Set(flags.flatMap(names));
        for (const f of flags.filter((x) => x.type === 'boolean')) accepted.add(`--no-${kebab(f.name)}`);
        for (const m of line.matchAll(/(?<![\w-])--([a-zA-Z][\w-]*)/g))
          if (!accepted.has(norm(`--${m[1]}`))) unknown.push(`gtm ${cmd.name} --${m[1]}`);
      }
      expect(unknown).toEqual([]);
    });
});

/** A README section: from its `### title` line to the next heading of level 3 or above (code blocks skipped). */
function readmeSection(title: string): string {
  const out: string[] = [];
  let fenced = false;
  let inside = false;
  for (const line of read('README.md').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (!fenced && /^#{1,3} /.test(line)) inside = line === `### ${title}`;
    if (inside) out.push(line);
  }
  return out.join('\n');
}

describe('the README (its section, where the command has one) names every flag of the other commands', () => {
  const sub = (top: string, name: string) => command(top).subcommands?.find((c) => c.name === name);
  const cases: [string, CliCommand | undefined, string][] = [
    ['attribute', command('attribute'), readmeSection('attribute')],
    ['experiment-readout', command('experiment-readout'), readmeSection('experiment-readout')],
    ...(command('events').subcommands ?? []).map(
      (c) => [`events ${c.name}`, c, readmeSection('events')] as [string, CliCommand, string],
    ),
    ...['demo', 'init', 'doctor', 'mcp'].map(
      (c) => [c, command(c), read('README.md')] as [string, CliCommand, string],
    ),
    ...(command('plans').subcommands ?? []).map(
      (c) => [`plans ${c.name}`, c, read('README.md')] as [string, CliCommand, string],
    ),
    [
      'engine load',
      sub('engine', 'load'),
      `${readmeSection('When one machine is not enough')}\n${read('docs/scale-out.md')}`,
    ],
  ];
  for (const [name, cmd, text] of cases)
    it(`gtm ${name}`, () => {
      expect(cmd, name).toBeDefined();
      expect(text.length).toBeGreaterThan(200);
      const missing = (cmd?.flags ?? [])
        .filter((f) => !GLOBAL_FLAGS.some((g) => g.name === f.name))
        .filter(
          (f) =>
            !names(f)
              .flatMap((n) => (f.type === 'boolean' ? [n, `--no-${n.slice(2)}`] : [n]))
              .some((n) => new RegExp(`(?<![\\w-])(${n}|${n.replace(/-/g, '_')})(?![\\w-])`).test(text)),
        )
        .map((f) => `--${kebab(f.name)}`);
      expect(missing.join(', ')).toBe('');
    });
});

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
};
const SCHEMA = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Schema & {
  properties: Record<string, Schema>;
};
const PARTS = Object.fromEntries(
  schemaParts().map((s) => [
    String((s as { $id: string }).$id).replace(/.*gtm\.(\w+)\.schema\.json$/, '$1'),
    s,
  ]),
) as Record<string, Schema>;

/** Every key path under a schema node (`*` for a map's values), resolving local `$ref`s. */
function keyPaths(root: Schema, node: Schema, at: string[] = [], out: string[][] = []): string[][] {
  if (node.$ref?.startsWith('#/')) {
    let n: unknown = root;
    for (const p of node.$ref.slice(2).split('/')) n = (n as Record<string, unknown>)[p];
    node = n as Schema;
  }
  if (node.items && typeof node.items === 'object') keyPaths(root, node.items, at, out);
  for (const alt of [node.oneOf, node.anyOf, node.allOf])
    for (const a of alt ?? []) keyPaths(root, a, at, out);
  for (const [k, v] of Object.entries(node.properties ?? {})) {
    out.push([...at, k]);
    keyPaths(root, v, [...at, k], out);
  }
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.push([...at, '*']);
    keyPaths(root, node.additionalProperties, [...at, '*'], out);
  }
  return out;
}

/** A key named as one: in backticks, a dotted path or a YAML mapping (`key`, `a.key`, `key[]`, `key:`, `{ key, …`). */
const named = (key: string, text: string) =>
  new RegExp(`(?<=[\`.{ ,(\\[/])${key}(?=[\`:.}, )\\[\\]/?])`).test(text);

describe('the gtm.yaml reference table names every key the schema accepts', () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('\n## gtm.yaml reference'), readme.indexOf('\n## Outputs'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const m = /^\| (`[^|]*`) \| (.*) \|$/.exec(line);
    if (m) for (const k of m[1].matchAll(/`([a-z_]+)[^`]*`/g)) rows.set(k[1], `${m[1]} ${m[2]}`);
  }

  it('one row per top-level key', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(SCHEMA.properties).sort());
  });

  it('each row names every key under its key (the monitoring sections: on their pages)', () => {
    const missing: string[] = [];
    for (const [top, node] of Object.entries(SCHEMA.properties)) {
      if (top in PARTS) continue;
      for (const p of keyPaths(SCHEMA, node, [top]))
        if (p[p.length - 1] !== '*' && !named(p[p.length - 1], rows.get(top) ?? ''))
          missing.push(p.join('.'));
    }
    expect(missing.join(', ')).toBe('');
  });

  it('each monitoring section key is named on its command page', () => {
    const pages: Record<string, string> = {
      referrals: 'optimize-referrals',
      loyalty: 'monitor-loyalty',
      personalization: 'monitor-personalization',
    };
    const missing: string[] = [];
    for (const [part, schema] of Object.entries(PARTS)) {
      const page = read(`docs/commands/${pages[part]}.md`);
      for (const p of keyPaths(schema, schema, [part]))
        if (p[p.length - 1] !== '*' && !named(p[p.length - 1], page)) missing.push(p.join('.'));
    }
    expect(missing.join(', ')).toBe('');
  });
});

describe('every gtm.yaml key path the docs name is one the schema accepts', () => {
  const accepted = [
    ...keyPaths(SCHEMA, SCHEMA),
    ...Object.entries(PARTS).flatMap(([part, schema]) => keyPaths(schema, schema, [part])),
  ];
  // a source is named by its name: sources.<name>.path
  for (const p of [...accepted]) if (p[0] === 'sources') accepted.push(['sources', '*', ...p.slice(1)]);
  const matches = (doc: string[], key: string[]) =>
    doc.length === key.length && doc.every((d, i) => key[i] === '*' || d.startsWith('<') || d === key[i]);
  const resolves = (doc: string[]) =>
    accepted.some((k) => matches(doc, k)) ||
    // a command page names its own section's keys from inside it (events.engagement: personalization's)
    Object.keys(PARTS).some((part) => accepted.some((k) => matches([part, ...doc], k)));
  // result.json keys spelt like gtm.yaml paths
  const RESULT_KEYS = new Set(['partners.fraud_rate_min_conversions']);
  for (const doc of DOCS)
    it(doc, () => {
      const unknown = new Set<string>();
      for (const m of read(doc).matchAll(/`([a-z_]+(?:\[\])?(?:\.[A-Za-z0-9_<>*-]+(?:\[\])?)+)/g)) {
        const path = m[1];
        const segs = path.replace(/\[\]/g, '').split('.');
        if (!(segs[0] in SCHEMA.properties) || RESULT_KEYS.has(path)) continue;
        if (/\.(csv|json|md|html|png|ya?ml|sql|ndjson|parquet)$/.test(path)) continue;
        if (!resolves(segs)) unknown.add(path);
      }
      expect([...unknown].join(', ')).toBe('');
    });
});

describe('every gtm.yaml example in the docs is accepted by the schema', () => {
  const ajv = new Ajv(SCHEMA_OPTIONS);
  for (const s of schemaParts()) ajv.addSchema(s);
  const validate = ajv.compile(SCHEMA);
  for (const doc of [...DOCS, 'docs/commands/define-events-governance.md'])
    for (const [i, m] of [...read(doc).matchAll(/```ya?ml\n([\s\S]*?)```/g)].entries())
      it(`${doc}, YAML block ${i + 1}`, () => {
        const block = parseYaml(m[1]) as Record<string, unknown>;
        expect(
          validate({ version: 1, sources: [], ...block }),
          JSON.stringify(validate.errors, null, 1),
        ).toBe(true);
      });
});
