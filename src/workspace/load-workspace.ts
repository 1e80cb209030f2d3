import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, ErrorObject } from 'ajv';
import type * as AjvModule from 'ajv';
import type * as YamlModule from 'yaml';
import type { Document } from 'yaml';
import { fastYaml } from './fast-yaml.ts';
import { requirePrebuilt } from '../runtime/require-prebuilt.ts';
import { editDistance } from '../analyses/text/index.ts';
import { entitySpec } from '../data/entities/index.ts';
import { configError, GtmError } from '../errors/index.ts';
import {
  DEFAULT_CHANNEL_RULES,
  DEFAULT_FUNNEL_STAGES,
  DEFAULT_STAGE_MAPPING,
  DEFAULT_UTM_ALIASES,
} from './default-channel-rules.ts';
import { loyaltyDefaults, type LoyaltyConfig } from './loyalty-config.ts';
import {
  personalizationDefaults,
  type FreshnessSlaConfig,
  type PersonalizationConfig,
} from './personalization-config.ts';
import { referralsDefaults, type ReferralsConfig } from './referrals-config.ts';
import { filledThresholds } from './thresholds.ts';
import type { SourceConfig, WorkspaceConfig } from './workspace-config.ts';

export const CONFIG_FILE = 'gtm.yaml';
export const SCHEMA_PATH = fileURLToPath(new URL('./gtm.schema.json', import.meta.url));

type Json = Record<string, unknown>;

/** Sections of gtm.yaml whose schema lives in its own file beside gtm.schema.json. */
export const SCHEMA_PARTS = ['referrals', 'loyalty', 'personalization'] as const;

/** Options of the gtm.yaml validator; scripts/build.mjs compiles the same into dist ahead of time. */
export const SCHEMA_OPTIONS = { allErrors: true, strict: false, discriminator: true, verbose: true } as const;

type Validator = ReturnType<Ajv['compile']>;
let validator: Validator | undefined;
function schemaValidator(): Validator {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  // The compiled package carries the validator as code (written by the build): compiling the
  // schema at start-up costs a quarter second, more than everything else before the first stage.
  const prebuilt = fileURLToPath(new URL('./gtm-schema-validate.cjs', import.meta.url));
  if (existsSync(prebuilt)) return (validator = requirePrebuilt(prebuilt) as Validator);
  const { Ajv: AjvClass } = require('ajv') as typeof AjvModule;
  // verbose: errors carry their parentSchema, which the messages need (known keys, descriptions)
  const ajv = new AjvClass(SCHEMA_OPTIONS);
  for (const schema of schemaParts()) ajv.addSchema(schema);
  return (validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))));
}

/** The schemas of the gtm.yaml sections each monitoring command keeps in its own file. */
export function schemaParts(): object[] {
  return SCHEMA_PARTS.map(
    (part) =>
      JSON.parse(
        readFileSync(fileURLToPath(new URL(`./gtm.${part}.schema.json`, import.meta.url)), 'utf8'),
      ) as object,
  );
}

/** `/sources/0/path` → `sources[0].path` */
export function keyPath(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

let yamlModule: typeof YamlModule | undefined;
/**
 * The exact YAML parser (the `yaml` package), loaded on first need: a plain config never needs it
 * (`fastYaml` reads it), and loading it costs a noticeable share of a command's start-up.
 */
const yaml = (): typeof YamlModule =>
  (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof YamlModule);

function lineOf(doc: Document, instancePath: string, source: string, key?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const lineAt = (offset: number) => String(source.slice(0, offset).split('\n').length);
  if (key !== undefined) {
    // an unknown or offending key: point at the key itself, not at its parent mapping
    const parent = parts.length ? doc.getIn(parts, true) : doc.contents;
    const { isMap, isScalar } = yaml();
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lineAt(range[0]);
    }
  }
  for (let n = parts.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(parts.slice(0, n), true)) as
      { range?: [number, number, number] } | undefined;
    if (node && node.range) return lineAt(node.range[0]);
  }
  return '1';
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const dist = editDistance;

  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dd = dist(word.toLowerCase(), c.toLowerCase());
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Picks the most specific schema error and phrases it as key path + fix. */
function explain(errors: ErrorObject[]): {
  path: string;
  message: string;
  hint: string;
  instancePath: string;
  key?: string;
} {
  // Prefer errors deepest in the document; drop oneOf/discriminator summaries when detail exists.
  const ranked = [...errors].sort(
    (a, b) =>
      b.instancePath.split('/').length - a.instancePath.split('/').length ||
      Number(a.keyword === 'oneOf') - Number(b.keyword === 'oneOf'),
  );
  const e = ranked[0];
  const p = e.params as Record<string, unknown>;
  const schemaDoc = (e.parentSchema ?? {}) as {
    properties?: Record<string, { description?: string; enum?: unknown[] }>;
  };
  switch (e.keyword) {
    case 'required': {
      const key = String(p.missingProperty);
      const prop = schemaDoc.properties?.[key];
      const desc =
        prop?.description ?? (prop?.enum ? `one of ${prop.enum.map(String).join(', ')}` : undefined);
      return {
        instancePath: e.instancePath,
        path: keyPath(e.instancePath, key),
        message: `missing required key "${key}"`,
        hint: `add ${key}:${desc ? ` (${desc})` : ''}`,
      };
    }
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys(schemaDoc.properties ?? {});
      const guess = closest(key, known);
      return {
        instancePath: e.instancePath,
        key,
        path: keyPath(e.instancePath, key),
        message: `unknown key "${key}"`,
        hint: guess ? `did you mean "${guess}"?` : `remove it; allowed keys here: ${known.join(', ')}`,
      };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String);
      // a misspelt value (entity: ledgr) gets the value it was probably meant to be
      const guess = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      return {
        instancePath: e.instancePath,
        path: keyPath(e.instancePath),
        message: `must be one of ${allowed.join(', ')}`,
        hint: guess ? `did you mean "${guess}"?` : 'use one of the listed values',
      };
    }
    case 'const':
      return {
        instancePath: e.instancePath,
        path: keyPath(e.instancePath),
        message: `must be ${JSON.stringify(p.allowedValue)}`,
        hint: `set it to ${JSON.stringify(p.allowedValue)}`,
      };
    case 'type':
      return {
        instancePath: e.instancePath,
        path: keyPath(e.instancePath),
        message: `must be ${p.type === 'array' ? 'a list' : p.type === 'object' ? 'a mapping' : `${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${String(p.type)}`}`,
        hint: 'fix the value type (see gtm.schema.json)',
      };
    case 'pattern': {
      const parent = e.parentSchema as { description?: string; title?: string; examples?: unknown[] };
      const desc = parent?.description;
      // "\S": a value that must hold some text (a roster person's name), empty or blank here
      if (p.pattern === '\\S') {
        const key = e.instancePath.split('/').pop() ?? '';
        return {
          instancePath: e.instancePath,
          path: keyPath(e.instancePath),
          message: 'is empty',
          hint: `write ${key}:${desc ? ` (${desc})` : ''}`,
        };
      }
      // `title`: the form in a few words, where the description says more than the message needs;
      // `examples`: a value of that form, the fix shown as the line to write
      const example = parent?.examples?.[0];
      return {
        instancePath: e.instancePath,
        path: keyPath(e.instancePath),
        message: `has the wrong form (expected ${String(parent?.title ?? desc ?? p.pattern)})`,
        hint:
          example === undefined
            ? `match the pattern ${String(p.pattern)}`
            : `e.g. ${e.instancePath.split('/').pop() ?? ''}: ${String(example)}`,
      };
    }
    case 'minItems': {
      // an empty list (`engagement: []`) would run with nothing configured: refused, saying what to list
      const desc = (e.parentSchema as { description?: string })?.description;
      return {
        instancePath: e.instancePath,
        path: keyPath(e.instancePath),
        message: Number(p.limit) === 1 ? 'is an empty list' : `needs at least ${Number(p.limit)} items`,
        hint: desc
          ? `list at least one: ${desc}${/\bdefault\b/.test(desc) ? ' (or remove the key for the default)' : ''}`
          : 'see the gtm.yaml reference in the README',
      };
    }
    default:
      return {
        instancePath: e.instancePath,
        path: keyPath(e.instancePath),
        message: e.message ?? 'is invalid',
        hint: 'see the gtm.yaml reference in the README',
      };
  }
}

/**
 * The built-in stage mapping, its closed stages pointed at the workspace's own: with `funnel.won:
 * won`, a CRM's "Closed Won" is that won stage, not `closed_won` (which no longer counts as won, so
 * every deal's revenue read as 0), and "Closed Lost" the first of `funnel.lost`.
 */
function defaultStageMapping(won: string | undefined, lost: string[] | undefined): Record<string, string> {
  const wonStage = won ?? 'closed_won';
  const lostStage = lost?.[0] ?? 'closed_lost';
  return Object.fromEntries(
    Object.entries(DEFAULT_STAGE_MAPPING).map(([raw, stage]) => [
      raw,
      stage === 'closed_won' ? wonStage : stage === 'closed_lost' ? lostStage : stage,
    ]),
  );
}

/**
 * Loads, validates and defaults a workspace.
 *
 * @example
 * const ws = loadWorkspace({ cwd: process.cwd() });
 * ws.campaigns.map((c) => c.name);
 */
export function loadWorkspace(opts: {
  cwd: string;
  configPath?: string;
  env?: NodeJS.ProcessEnv;
}): WorkspaceConfig {
  const configPath = path.resolve(opts.cwd, opts.configPath ?? CONFIG_FILE);
  const shown = path.relative(opts.cwd, configPath) || configPath;
  if (!existsSync(configPath)) {
    throw configError(
      'no workspace config found',
      shown,
      opts.configPath
        ? 'check the --config path'
        : 'run `gtm init` to create gtm.yaml, or `gtm demo` for a demo workspace, or pass --config FILE',
    );
  }
  if (statSync(configPath, { throwIfNoEntry: false })?.isDirectory())
    throw configError(
      'is a folder, not a gtm.yaml file',
      shown,
      opts.configPath
        ? `pass the file itself: --config ${path.join(opts.configPath, CONFIG_FILE)}`
        : `move the folder ${CONFIG_FILE} away, then run \`gtm init\``,
    );
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (cause) {
    throw new GtmError('CONFIG', `cannot read the config: ${(cause as Error).message}`, {
      where: shown,
      hint: 'check the file permissions',
      cause,
    });
  }
  // the quick parse covers plain configs; anything else, and every line number of an error, comes
  // from the exact parse (the YAML document with its positions), done only when needed
  let parsed: Document | undefined;
  const doc = (): Document => (parsed ??= exactDocument(text, shown));
  let raw: unknown = fastYaml(text);
  if (raw === undefined) {
    const d = doc();
    try {
      raw = d.toJS();
    } catch (cause) {
      // the YAML library stops documents whose aliases expand without bound ("billion laughs")
      throw configError(
        `the YAML cannot be expanded: ${(cause as Error).message.split('\n')[0]}`,
        shown,
        'remove the anchors and aliases (&name, *name) that refer to each other, and write the values out',
      );
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError('the config must be a YAML mapping', shown, 'start from `gtm init`');
  }
  const badDate = firstImpossibleDate(raw, '');
  if (badDate)
    throw configError(
      `${keyPath(badDate.path)} is not a real date: "${badDate.value}"`,
      `${shown}:${lineOf(doc(), badDate.path, text)}`,
      'use an existing calendar date YYYY-MM-DD (months have 28 to 31 days)',
    );
  const validate = schemaValidator();
  if (!validate(raw)) {
    const ex = explain(validate.errors ?? []);
    throw configError(
      `${ex.path} ${ex.message}`,
      `${shown}:${lineOf(doc(), ex.instancePath, text, ex.key)}`,
      ex.hint,
    );
  }
  return withDefaults(raw as Json, path.dirname(configPath), configPath, (instancePath, message, hint) =>
    configError(`${keyPath(instancePath)} ${message}`, `${shown}:${lineOf(doc(), instancePath, text)}`, hint),
  );
}

type Fail = (instancePath: string, message: string, hint: string) => GtmError;

/** The YAML document with positions; a syntax error stops here with its line and column. */
function exactDocument(text: string, shown: string): Document {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length) {
    const err = doc.errors[0];
    if (err.code === 'DUPLICATE_KEY') {
      const dup = duplicateKey(text, err.pos[0]);
      if (dup)
        throw configError(
          `${dup.path} appears twice in the same mapping, on lines ${dup.first} and ${dup.second}`,
          `${shown}:${dup.second}`,
          `keep one of the two ${JSON.stringify(dup.key)} keys (YAML allows a key once per mapping)`,
        );
    }
    // prettyErrors: false leaves err.linePos unset; the line counter gives the position of err.pos
    const { line, col } = lineCounter.linePos(err.pos[0]);
    throw configError(
      `invalid YAML: ${err.message.split('\n')[0]}`,
      `${shown}:${line}:${col}`,
      'fix the YAML syntax (indentation, quotes, colons)',
    );
  }
  return doc;
}

/**
 * The repeated key the exact parser stopped at (`at`: its offset), with its key path and the lines
 * of both occurrences: the text is parsed again with repeated keys allowed, and every mapping is
 * searched for a key seen before in it.
 */
function duplicateKey(
  text: string,
  at: number,
): { key: string; path: string; first: number; second: number } | null {
  const { isMap, isScalar, isSeq, parseDocument } = yaml();
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  const found: { key: string; path: string; first: number; second: number; offset: number }[] = [];
  const walk = (node: unknown, parts: string[]): void => {
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...parts, String(i)]));
    if (!isMap(node)) return;
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0];
      const before = seen.get(key);
      if (before !== undefined && offset !== undefined)
        found.push({
          key,
          path: keyPath(
            `/${[...parts, key].map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
          ),
          first: lineAt(before),
          second: lineAt(offset),
          offset,
        });
      if (offset !== undefined && before === undefined) seen.set(key, offset);
      walk(pair.value, [...parts, key]);
    }
  };
  walk(doc.contents, []);
  const hit = found.find((f) => f.offset === at) ?? found[0];
  return hit ? { key: hit.key, path: hit.path, first: hit.first, second: hit.second } : null;
}

/**
 * The first value written as a date (YYYY-MM-DD) that does not exist (2026-02-30): JavaScript
 * would silently roll it over to March.
 */
function firstImpossibleDate(value: unknown, at: string): { path: string; value: string } | null {
  if (typeof value === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return null;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.toISOString().slice(0, 10) === value ? null : { path: at, value };
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const hit = firstImpossibleDate(v, `${at}/${i}`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = firstImpossibleDate(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * The workspace of a folder without gtm.yaml, for commands that can run without one
 * (`define-events`): every default, no sources, reports and plans under `baseDir`.
 */
export function defaultWorkspace(baseDir: string): WorkspaceConfig {
  return withDefaults({ version: 1, sources: [] }, baseDir, '', (instancePath, message, hint) =>
    configError(`${keyPath(instancePath)} ${message}`, '(defaults)', hint),
  );
}

function withDefaults(raw: Json, baseDir: string, configPath: string, fail: Fail): WorkspaceConfig {
  const r = raw as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- validated by the schema above
  const sources: SourceConfig[] = (r.sources as Json[]).map(
    (s) => ({ priority: 10, mapping: {}, ...s }) as SourceConfig,
  );
  const seen = new Set<string>();
  sources.forEach((s, i) => {
    if (seen.has(s.name))
      throw fail(`/sources/${i}/name`, `duplicate source name "${s.name}"`, 'give each source a unique name');
    seen.add(s.name);
    if (s.kind === 'postgres' && !s.table && !s.query)
      throw fail(
        `/sources/${i}`,
        'a postgres source needs "table" or "query"',
        'add table: NAME or query: SELECT …',
      );
  });
  const partners = ((r.partners ?? []) as Json[]).map((p) => ({
    aliases: [],
    ...p,
  })) as unknown as WorkspaceConfig['partners'];
  const partnerIds = new Set(partners.map((p) => p.id));
  const aliasOwner = new Map<string, string>();
  partners.forEach((p, i) => {
    for (const a of [p.id, p.name, ...p.aliases]) {
      const k = a.trim().toLowerCase();
      const owner = aliasOwner.get(k);
      if (owner && owner !== p.id)
        throw fail(
          `/partners/${i}/aliases`,
          `alias "${a}" also belongs to partner "${owner}"`,
          'make partner aliases unique',
        );
      aliasOwner.set(k, p.id);
    }
  });
  sources.forEach((s, i) => {
    const spec = entitySpec(s.entity);
    for (const canon of Object.keys(s.mapping))
      if (spec && !spec.columns.includes(canon)) {
        // a misspelt canonical name (pionts: points) gets the column it was probably meant to be
        const guess = closest(canon, spec.columns);
        throw fail(
          `/sources/${i}/mapping`,
          `maps unknown canonical column "${canon}" of ${s.entity}`,
          `${guess ? `did you mean "${guess}"? ` : ''}canonical columns of ${s.entity}: ${spec.columns.join(', ')}`,
        );
      }
    if (s.partner && !aliasOwner.has(s.partner.trim().toLowerCase()))
      throw fail(
        `/sources/${i}/partner`,
        `unknown partner "${s.partner}"`,
        `use one of: ${[...partnerIds].join(', ') || '(define partners first)'}`,
      );
  });
  // a dedupe rule names an entity and its canonical columns: refused here, naming the key, instead
  // of stopping the normalize stage with the engine's binder error (exit 6)
  for (const [entity, rule] of Object.entries((r.dedupe ?? {}) as Record<string, { keys?: unknown }>)) {
    const spec = entitySpec(entity);
    if (!spec) continue; // the schema names the entities
    // the canonical columns, and what the entity's own rule keys on (touchpoints' derived channel)
    // a column read only to fill others (touchpoints' landing_url) is not in the normalized rows
    const known = [...new Set([...spec.columns, ...spec.dedupe.keys])].filter(
      (c) => !spec.inputOnly?.includes(c),
    );
    const keys = Array.isArray(rule?.keys) ? (rule.keys as string[]) : [];
    keys.forEach((k, j) => {
      if (spec.inputOnly?.includes(k))
        throw fail(
          `/dedupe/${entity}/keys/${j}`,
          `"${k}" is read only to fill other columns of ${entity} and is not kept, so it cannot be a dedupe key`,
          `key on the columns it fills (${entity}: ${known.join(', ')})`,
        );
      if (!known.includes(k)) {
        const guess = closest(k, known);
        throw fail(
          `/dedupe/${entity}/keys/${j}`,
          `"${k}" is not a canonical column of ${entity}`,
          `${guess ? `did you mean "${guess}"? ` : ''}canonical columns of ${entity}: ${known.join(', ')}`,
        );
      }
    });
  }
  const campaigns = ((r.campaigns ?? []) as Json[]).map((c) => ({
    partners: [],
    assets: [],
    targets: {},
    lookback_days: 90,
    ...c,
    utm_campaigns: ((c.utm_campaigns as string[] | undefined) ?? [String(c.id)]).map((u) =>
      u.trim().toLowerCase(),
    ),
  })) as unknown as WorkspaceConfig['campaigns'];
  campaigns.forEach((c, i) => {
    if (c.start > c.end)
      throw fail(`/campaigns/${i}/end`, `ends (${c.end}) before it starts (${c.start})`, 'fix start/end');
    c.partners.forEach((p, j) => {
      if (!partnerIds.has(p))
        throw fail(
          `/campaigns/${i}/partners/${j}`,
          `unknown partner "${p}"`,
          `use a partner id: ${[...partnerIds].join(', ')}`,
        );
    });
    for (const p of Object.keys(c.targets))
      if (!partnerIds.has(p))
        throw fail(
          `/campaigns/${i}/targets`,
          `target for unknown partner "${p}"`,
          `use a partner id: ${[...partnerIds].join(', ')}`,
        );
  });
  const roles = (r.roster?.roles ?? {}) as WorkspaceConfig['roster']['roles'];
  for (const [name, role] of Object.entries(roles)) {
    if (role.fallback && !roles[role.fallback])
      throw fail(
        `/roster/roles/${name}/fallback`,
        `fallback role "${role.fallback}" is not in the roster`,
        `add roster.roles.${role.fallback}, or fix the name`,
      );
  }
  const escalation = (r.escalation ?? {}) as Record<string, string[]>;
  for (const [cmd, ladder] of Object.entries(escalation))
    ladder.forEach((role, j) => {
      if (!roles[role])
        throw fail(
          `/escalation/${cmd}/${j}`,
          `role "${role}" is not in the roster`,
          `add roster.roles.${role}`,
        );
    });
  const rules = (r.channels?.rules ?? []) as WorkspaceConfig['channels']['rules'];
  rules.forEach((rule, i) => {
    for (const k of ['source_regex', 'medium_regex', 'campaign_regex'] as const) {
      const re = rule.when[k];
      if (re === undefined) continue;
      try {
        new RegExp(re);
      } catch {
        throw fail(
          `/channels/rules/${i}/when/${k}`,
          `is not a valid regular expression: ${re}`,
          'fix the pattern',
        );
      }
    }
  });
  const lower = (m: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(m).map(([k, v]) => [k.trim().toLowerCase(), v.trim().toLowerCase()]));
  const reporting = String(r.currency?.reporting ?? 'USD').toUpperCase();
  return {
    version: 1,
    baseDir,
    configPath,
    engine:
      r.engine?.kind === 'clickhouse'
        ? {
            kind: 'clickhouse',
            url: r.engine.url,
            database: r.engine.database,
            user: r.engine.user,
            password: r.engine.password,
            ...(r.engine.timeout_s !== undefined ? { timeout_s: r.engine.timeout_s } : {}),
          }
        : {
            kind: 'duckdb',
            path: r.engine?.path,
            threads: r.engine?.threads,
            memory_limit: r.engine?.memory_limit,
            temp_directory: r.engine?.temp_directory,
          },
    output: {
      reports_dir: r.output?.reports_dir ?? 'reports',
      plans_dir: r.output?.plans_dir ?? '.claude/plans',
      snapshot: r.output?.snapshot ?? 'auto',
      ...(r.output?.chromium ? { chromium: r.output.chromium } : {}),
      snapshot_width: r.output?.snapshot_width ?? 1280,
    },
    sources,
    currency: {
      reporting,
      rates: ((r.currency?.rates ?? []) as WorkspaceConfig['currency']['rates']).map((x) => ({
        ...x,
        currency: x.currency.toUpperCase(),
      })),
    },
    funnel: {
      stages: r.funnel?.stages ?? DEFAULT_FUNNEL_STAGES,
      won: r.funnel?.won ?? 'closed_won',
      lost: r.funnel?.lost ?? ['closed_lost'],
      mapping: {
        ...defaultStageMapping(r.funnel?.won, r.funnel?.lost),
        ...Object.fromEntries(
          Object.entries((r.funnel?.mapping ?? {}) as Record<string, string>).map(([k, v]) => [
            k.trim().toLowerCase(),
            v,
          ]),
        ),
      },
    },
    utm: {
      aliases: {
        source: { ...DEFAULT_UTM_ALIASES.source, ...lower(r.utm?.aliases?.source) },
        medium: { ...DEFAULT_UTM_ALIASES.medium, ...lower(r.utm?.aliases?.medium) },
        campaign: { ...DEFAULT_UTM_ALIASES.campaign, ...lower(r.utm?.aliases?.campaign) },
      },
    },
    channels: {
      rules: r.channels?.replace_defaults ? rules : [...rules, ...DEFAULT_CHANNEL_RULES],
      default: r.channels?.default ?? 'unassigned',
      direct: r.channels?.direct ?? 'direct',
    },
    partners,
    campaigns,
    dedupe: {
      // other entities keep their own keys unless gtm.yaml names them
      ...((r.dedupe ?? {}) as Record<string, { keys?: string[]; time_tolerance_seconds?: number }>),
      touchpoints: {
        keys: r.dedupe?.touchpoints?.keys ?? [
          'person_id',
          'touch_type',
          'occurred_at',
          'utm_campaign',
          'asset',
          'channel',
        ],
        time_tolerance_seconds: r.dedupe?.touchpoints?.time_tolerance_seconds ?? 120,
      },
      opportunities: { keys: r.dedupe?.opportunities?.keys ?? ['opportunity_id'] },
    },
    roster: { roles },
    escalation,
    thresholds: { ...filledThresholds(), ...(r.thresholds ?? {}) },
    attribution: { model: 'linear', half_life_days: 7, bootstrap: 200, seed: 42, ...(r.attribution ?? {}) },
    events: { ...(r.events ?? {}) },
    cadence: r.cadence ?? 'weekly',
    referrals: checkedReferrals(referralsDefaults(r.referrals), fail),
    loyalty: checkedLoyalty(loyaltyDefaults(r.loyalty), fail, r.loyalty),
    personalization: checkedPersonalization(personalizationDefaults(r.personalization), fail),
  };
}

/** A pair of settings that must be ordered: `[key path, lower name, lower, upper name, upper]`. */
type OrderedPair = [string, string, number, string, number];

/**
 * Settings that come in ordered pairs (a referral goes to review before it is rejected, a warning
 * comes before the error), checked on the defaulted values so a value given alone meets the default
 * it pairs with: refused here, naming the key, instead of failing the stage that reads them (exit 7)
 * after the others ran, or finding nothing (a ring of at least 10 and at most 5 members).
 */
function checkOrderedPairs(pairs: readonly OrderedPair[], fail: Fail, hint: string): void {
  for (const [key, lowName, low, highName, high] of pairs)
    if (low > high)
      throw fail(
        key,
        `${lowName} (${low}) is above ${highName} (${high})`,
        `set ${lowName} ≤ ${highName}${hint}`,
      );
}

function checkedReferrals(referrals: ReferralsConfig, fail: Fail): ReferralsConfig {
  const { bands, ring } = referrals.fraud;
  checkOrderedPairs(
    [
      ['/referrals/fraud/bands', 'review', bands.review, 'reject', bands.reject],
      ['/referrals/fraud/ring', 'min_members', ring.min_members, 'max_members', ring.max_members],
    ],
    fail,
    ' (defaults: review 0.4, reject 0.8; rings of 3 to 200 members)',
  );
  return referrals;
}

/** A satisfied CSAT score the survey scale cannot give is refused, naming both settings. */
function checkedLoyalty(loyalty: LoyaltyConfig, fail: Fail, raw?: Record<string, unknown>): LoyaltyConfig {
  // two expiry settings could disagree: one of them says the programme's policy
  if (raw && raw.points_expiry !== undefined && raw.points_expire_months !== undefined)
    throw fail(
      '/loyalty/points_expire_months',
      'is set together with loyalty.points_expiry',
      'keep one: points_expiry: { policy: lot_age, months: N } is points_expire_months: N; for expiry after N months of inactivity (Smile.io, LoyaltyLion, Yotpo, Rivo) remove points_expire_months and set points_expiry: { policy: inactivity, months: N }',
    );
  checkOrderedPairs(
    [
      [
        '/loyalty/csat_satisfied_from',
        'csat_satisfied_from',
        loyalty.csat_satisfied_from,
        'csat_scale',
        loyalty.csat_scale,
      ],
    ],
    fail,
    ' (csat_scale is the top score of your survey: 5, 7 or 10; satisfied from the top two scores by default)',
  );
  return loyalty;
}

function checkedPersonalization(personalization: PersonalizationConfig, fail: Fail): PersonalizationConfig {
  const { freshness: f, anomalies: a, governance: g } = personalization;
  const slas: [string, FreshnessSlaConfig | null][] = [
    ['decisions', f.decisions],
    ['outcomes', f.outcomes],
    ['consent_records', f.consent_records],
    ['rule_changes', f.rule_changes],
    ...Object.entries(f.sources).map(
      ([name, sla]) => [`sources/${name}`, sla] as [string, FreshnessSlaConfig],
    ),
  ];
  const sla = (key: string, s: FreshnessSlaConfig): OrderedPair => [
    `/personalization/freshness/${key}`,
    'warn_after_hours',
    s.warn_after_hours,
    'error_after_hours',
    s.error_after_hours,
  ];
  checkOrderedPairs(
    [
      ...slas.filter((x): x is [string, FreshnessSlaConfig] => x[1] !== null).map(([k, s]) => sla(k, s)),
      [
        '/personalization/anomalies',
        'volume_warn_drop',
        a.volume_warn_drop,
        'volume_error_drop',
        a.volume_error_drop,
      ],
      ['/personalization/governance', 'fallback_warn', g.fallback_warn, 'fallback_alert', g.fallback_alert],
      ['/personalization/governance', 'error_warn', g.error_warn, 'error_alert', g.error_alert],
    ],
    fail,
    ': the warning comes before the error (see the personalization reference in the README for the defaults)',
  );
  return personalization;
}
