/**
 * The plan JSON records every gtm.yaml setting that changed a run's numbers: each of the five
 * commands runs on the demo workspace with non-default settings, and its plan file (read from disk,
 * checked against plan.schema.json) carries them, its section of gtm.yaml resolved (defaults filled
 * in, equal to what `loadWorkspace` gives the command), the currency, dedupe rules and source
 * settings normalization read, and no connection secret. The section check walks the JSON Schemas
 * of gtm.yaml, so a key added to a section later and not recorded fails here.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runDefineEvents } from '../../src/commands/define-events/index.ts';
import { runMonitorLoyalty } from '../../src/commands/monitor-loyalty/index.ts';
import { runMonitorPersonalization } from '../../src/commands/monitor-personalization/index.ts';
import { runOptimizeReferrals } from '../../src/commands/optimize-referrals/index.ts';
import { runTrackSource } from '../../src/commands/track-source/index.ts';
import { validatePlanRecord, type PlanRecord } from '../../src/orchestrator/index.ts';
import { loadWorkspace, type WorkspaceConfig } from '../../src/workspace/index.ts';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { makeFixtureDir } from '../helpers/fixture-dir.ts';

type Json = Record<string, unknown>;
const schemaOf = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../src/workspace/${file}`, import.meta.url), 'utf8')) as Json;
const MAIN = schemaOf('gtm.schema.json');
const mainPart = (key: string) => (MAIN.properties as Json)[key] as Json;

/** Non-default settings written into the demo's gtm.yaml, one or more read by each command. */
const CHANGES: [string[], unknown][] = [
  [['attribution', 'half_life_days'], 10],
  [['attribution', 'bootstrap'], 50],
  [['utm', 'aliases', 'source'], { lnkd: 'linkedin' }],
  [['events', 'governance'], { retention: { default_days: 400 } }],
  [['referrals', 'fraud', 'ring', 'weak_weight'], 0.5],
  [['referrals', 'partner_health', 'top_n'], 7],
  [['loyalty', 'segments', 'expiring_days'], 45],
  [['personalization', 'eta_days', 'low'], 21],
  [['dedupe', 'members'], { keys: ['member_id', 'enrolled_at'] }],
];

let demo: DemoWorkspace;
let ws: WorkspaceConfig;
let writtenRates: unknown[];
const plans: Record<string, PlanRecord> = {};

const readPlan = (file: string) => validatePlanRecord(JSON.parse(readFileSync(file, 'utf8')), file);

beforeAll(async () => {
  demo = await makeDemoWorkspace({ accounts: 400 });
  const file = path.join(demo.dir, 'gtm.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const [at, value] of CHANGES) doc.setIn(at, doc.createNode(value));
  // a source's own settings: its priority (which copy of a duplicate wins)
  const sources = doc.get('sources') as {
    items: { get(k: string): unknown; set(k: string, v: unknown): void }[];
  };
  sources.items.find((s) => s.get('name') === 'loyalty_members')!.set('priority', 4);
  writeFileSync(file, doc.toString());
  writtenRates = (doc.getIn(['currency', 'rates']) as { toJSON(): unknown[] }).toJSON();
  ws = loadWorkspace({ cwd: demo.dir });
  const opts = { cwd: demo.dir, asOf: DEMO_AS_OF, snapshot: false };
  plans['track-source'] = readPlan(
    (await runTrackSource({ campaign: 'AI Launch Tour', window: '30d' }, opts)).planPath,
  );
  plans['define-events'] = readPlan(
    (await runDefineEvents({ use_case: ['pipeline velocity'], sources: ['product', 'crm'] }, opts)).planPath,
  );
  plans['optimize-referrals'] = readPlan((await runOptimizeReferrals({ window: '30d' }, opts)).planPath);
  plans['monitor-loyalty'] = readPlan((await runMonitorLoyalty({ window: '30d' }, opts)).planPath);
  plans['monitor-personalization'] = readPlan(
    (await runMonitorPersonalization({ initiative: 'PLG Onboarding', window: '14d' }, opts)).planPath,
  );
}, 300_000);

afterAll(() => demo?.remove());

const settings = (command: string) => plans[command].settings as Json;
const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

describe('each command records the non-default settings it read', () => {
  it('track-source: the attribution parameters and UTM aliases', () => {
    const s = settings('track-source');
    expect(s.attribution).toMatchObject({ model: 'linear', half_life_days: 10, bootstrap: 50, seed: 42 });
    expect((s.utm as { aliases: { source: Json } }).aliases.source.lnkd).toBe('linkedin');
  });

  it('define-events: the events section (retention policy)', () => {
    expect(settings('define-events').events_config).toEqual({
      payloads: 'data/events/captured.ndjson',
      plan: null,
      iglu_vendor: null,
      governance: {
        retention: { default_days: 400, categories: {}, events: {} },
        consent: { default_category: null, events: {}, ids: {} },
      },
    });
  });

  it('optimize-referrals: the ring settings (weak_weight) and the rest of referrals:', () => {
    const r = settings('optimize-referrals').referrals as ReturnType<typeof json> & Json;
    expect((r.fraud as Json).ring).toEqual({
      min_members: 3,
      max_members: 200,
      max_retained_share: 0.2,
      min_refund_rate: 0.5,
      weak_weight: 0.5,
    });
    expect((r.partner_health as Json).top_n).toBe(7);
  });

  it('monitor-loyalty: the sources as read (priority), the dedupe rule and the rates', () => {
    const s = settings('monitor-loyalty');
    expect((s.loyalty as { segments: Json }).segments.expiring_days).toBe(45);
    expect((s.source_config as Record<string, Json>).loyalty_members).toMatchObject({
      kind: 'file',
      path: 'data/loyalty/members.csv',
      entity: 'members',
      priority: 4,
    });
    expect((s.dedupe as Json).members).toEqual({ keys: ['member_id', 'enrolled_at'] });
    expect(s.currency).toEqual(json(ws.currency));
    // the rates as gtm.yaml writes them (the demo's EUR and GBP rates)
    expect((s.currency as { rates: Json[] }).rates).toEqual(writtenRates);
    expect(writtenRates.length).toBeGreaterThan(1);
  });

  it('monitor-personalization: the whole personalization section (eta_days)', () => {
    expect((settings('monitor-personalization').personalization as { eta_days: Json }).eta_days).toEqual({
      critical: 1,
      high: 3,
      medium: 7,
      low: 21,
    });
  });
});

/**
 * Every key path of a gtm.yaml schema node (its `properties`, recursively), as `a.b.c`; a key
 * whose value holds no properties of its own (a number, a list, a map of user-chosen names) ends
 * its path.
 */
function schemaPaths(node: Json, prefix: string): string[] {
  const props = node.properties as Record<string, Json> | undefined;
  if (!props) return [];
  return Object.entries(props).flatMap(([k, v]) => [`${prefix}${k}`, ...schemaPaths(v, `${prefix}${k}.`)]);
}

/**
 * Maps keyed by names the user chooses: the schema lists the names it knows (fraud rule ids) but the
 * resolved section holds only those set, so the walk stops at the map. And `channels.replace_defaults`:
 * folded into `channels.rules`, which is recorded as resolved (gtm's rules after yours, or yours alone).
 */
const NOT_WALKED = ['referrals.fraud.rules.', 'channels.replace_defaults'];

/** The paths of `paths` (under settings key `key`) the recorded value lacks; a null or non-object value ends a path. */
function missingPaths(key: string, recorded: unknown, paths: string[]): string[] {
  return paths.filter((p) => {
    if (NOT_WALKED.some((n) => `${key}.${p}`.startsWith(n))) return false;
    let at: unknown = recorded;
    for (const k of p.split('.')) {
      if (at === null || typeof at !== 'object' || Array.isArray(at)) return false;
      if (!(k in (at as Json))) return true;
      at = (at as Json)[k];
    }
    return false;
  });
}

/** Each command's sections of gtm.yaml: the settings key, its schema, and the resolved value it must equal. */
const SECTIONS: Record<string, [key: string, schema: Json, resolved: (w: WorkspaceConfig) => unknown][]> = {
  'track-source': [
    ['attribution', mainPart('attribution'), (w) => ({ custom_weights: null, ...w.attribution })],
    ['channels', mainPart('channels'), (w) => w.channels],
    ['utm', mainPart('utm'), (w) => w.utm],
    ['funnel', mainPart('funnel'), (w) => w.funnel],
    ['partners', mainPart('partners'), (w) => w.partners],
    ['currency', mainPart('currency'), (w) => w.currency],
  ],
  'define-events': [['events_config', mainPart('events'), () => undefined]],
  'optimize-referrals': [
    ['referrals', schemaOf('gtm.referrals.schema.json'), (w) => w.referrals],
    ['currency', mainPart('currency'), (w) => w.currency],
  ],
  'monitor-loyalty': [
    ['loyalty', schemaOf('gtm.loyalty.schema.json'), (w) => w.loyalty],
    ['currency', mainPart('currency'), (w) => w.currency],
  ],
  'monitor-personalization': [
    ['personalization', schemaOf('gtm.personalization.schema.json'), (w) => w.personalization],
    ['currency', mainPart('currency'), (w) => w.currency],
  ],
};

describe('each command records its sections of gtm.yaml, resolved, every schema key', () => {
  for (const [command, sections] of Object.entries(SECTIONS))
    for (const [key, schema, resolved] of sections)
      it(`${command}: settings.${key}`, () => {
        const recorded = settings(command)[key];
        expect(recorded, `settings.${key}`).toBeDefined();
        const want = resolved(ws);
        if (want !== undefined) expect(recorded).toEqual(json(want));
        const paths = schemaPaths(schema, '');
        expect(missingPaths(key, recorded, paths)).toEqual([]);
      });

  it('each command that reads sources records how each of them is read, and its dedupe rules', () => {
    for (const command of [
      'track-source',
      'optimize-referrals',
      'monitor-loyalty',
      'monitor-personalization',
    ]) {
      const s = settings(command);
      const read = Object.keys(s.source_config as Json);
      expect(read.length, command).toBeGreaterThan(0);
      // the sources fingerprinted are among those recorded
      for (const f of plans[command].data_fingerprints) expect(read, command).toContain(f.source);
      for (const name of read)
        expect(Object.keys(s.dedupe as Json), `${command} ${name}`).toContain(
          ws.sources.find((x) => x.name === name)!.entity,
        );
    }
  });
});

it('a run whose inputs hold a ClickHouse url with a password writes no password to the plan', async () => {
  // define-events validates the payloads of events.payloads on the workspace's ClickHouse: the url
  // is one of its resolved inputs; the server (port 1) refuses, the plan file is written regardless
  const fx = await makeFixtureDir({
    'gtm.yaml': `version: 1
sources: []
engine: { kind: clickhouse, url: "http://gtm:s3cret@127.0.0.1:1", timeout_s: 2 }
events: { payloads: captured.ndjson }
`,
    'captured.ndjson':
      '{"type":"track","event":"Lead Created","messageId":"m1","timestamp":"2026-11-01T00:00:00Z"}\n',
  });
  try {
    await runDefineEvents(
      { use_case: ['pipeline velocity'], sources: ['crm'] },
      { cwd: fx.dir, asOf: '2026-11-15', snapshot: false },
    ).catch(() => undefined);
    const dir = path.join(fx.dir, '.claude/plans');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(1);
    const text = readFileSync(path.join(dir, files[0]), 'utf8');
    expect(text).not.toContain('s3cret');
    const plan = JSON.parse(text) as { inputs: { payloadsOnClickHouse: { url: string } } };
    expect(plan.inputs.payloadsOnClickHouse.url).toBe('http://127.0.0.1:1');
  } finally {
    await fx.remove();
  }
}, 60_000);
