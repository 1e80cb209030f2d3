import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GtmError } from '../../../src/errors/index.ts';
import { DEFAULT_CHANNEL_RULES, loadWorkspace } from '../../../src/workspace/index.ts';
import { isOneLine } from '../../helpers/run-cli.ts';

const VALID = `version: 1
sources:
  - name: crm
    entity: opportunities
    kind: file
    path: data/opps.csv
    mapping: { opportunity_id: Id }
  - name: web
    entity: touchpoints
    kind: file
    path: data/web/*.ndjson
    partner: Acme Inc.
currency:
  reporting: usd
  rates:
    - { currency: eur, from: 2026-01-01, rate: 1.08 }
partners:
  - { id: acme, name: Acme, aliases: [Acme Inc., acme-co] }
campaigns:
  - id: launch
    name: Launch
    partners: [acme]
    start: 2026-09-01
    end: 2026-12-31
    utm_campaigns: [" Launch-2026 "]
    targets: { acme: { pipeline: 100 } }
roster:
  roles:
    lead: { people: [{ name: Ada }], fallback: ops }
    ops: { people: [{ name: Bo }] }
escalation:
  track-source: [lead, ops]
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-ws-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function load(yaml: string) {
  const name = `ws-${++n}.yaml`;
  await writeFile(path.join(dir, name), yaml);
  return loadWorkspace({ cwd: dir, configPath: name });
}

/** Loads, expects a CONFIG error, returns its one line (checked to be one line). */
async function fails(yaml: string): Promise<{ line: string; err: GtmError; file: string }> {
  const file = `ws-${n + 1}.yaml`;
  let caught: unknown;
  try {
    await load(yaml);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(GtmError);
  const err = caught as GtmError;
  expect(err.code).toBe('CONFIG');
  expect(err.exitCode).toBe(3);
  const line = err.oneLine();
  expect(isOneLine(line), line).toBe(true);
  expect(line.startsWith('error[CONFIG] ')).toBe(true);
  expect(err.hint, 'every config error says what to do').toBeTruthy();
  return { line, err, file };
}

/** 1-based line of the first occurrence of `needle` in `yaml`. */
const lineOf = (yaml: string, needle: string) => yaml.slice(0, yaml.indexOf(needle)).split('\n').length;

describe('loadWorkspace: a valid config', () => {
  it('loads with defaults filled in', async () => {
    const ws = await load(VALID);
    expect(ws.baseDir).toBe(dir);
    expect(ws.engine).toEqual({ kind: 'duckdb', path: undefined, threads: undefined });
    expect(ws.output).toEqual({
      reports_dir: 'reports',
      plans_dir: '.claude/plans',
      snapshot: 'auto',
      snapshot_width: 1280,
    });
    expect(ws.sources[0]).toMatchObject({ name: 'crm', priority: 10, mapping: { opportunity_id: 'Id' } });
    expect(ws.sources[1]).toMatchObject({ name: 'web', priority: 10, mapping: {}, partner: 'Acme Inc.' });
    expect(ws.currency).toEqual({
      reporting: 'USD',
      rates: [{ currency: 'EUR', from: '2026-01-01', rate: 1.08 }],
    });
    expect(ws.funnel.won).toBe('closed_won');
    expect(ws.funnel.lost).toEqual(['closed_lost']);
    expect(ws.funnel.mapping['closed won']).toBe('closed_won');
    expect(ws.utm.aliases.source.fb).toBe('facebook');
    expect(ws.channels.rules).toEqual(DEFAULT_CHANNEL_RULES);
    expect(ws.channels.default).toBe('unassigned');
    expect(ws.channels.direct).toBe('direct');
    expect(ws.partners[0].aliases).toEqual(['Acme Inc.', 'acme-co']);
    expect(ws.campaigns[0]).toMatchObject({ lookback_days: 90, assets: [], utm_campaigns: ['launch-2026'] });
    expect(ws.dedupe.touchpoints.time_tolerance_seconds).toBe(120);
    expect(ws.dedupe.opportunities.keys).toEqual(['opportunity_id']);
    expect(ws.thresholds).toEqual({ attribution_confidence: 0.7, max_reject_rate: 0 });
    expect(ws.attribution).toMatchObject({ model: 'linear', half_life_days: 7, seed: 42 });
    expect(ws.cadence).toBe('weekly');
  });

  it('puts user channel rules before the defaults, or alone with replace_defaults', async () => {
    const rules = `channels:\n  rules:\n    - { channel: podcast, when: { medium: [audio] } }\n`;
    const ws = await load(VALID + rules);
    expect(ws.channels.rules[0].channel).toBe('podcast');
    expect(ws.channels.rules.length).toBe(DEFAULT_CHANNEL_RULES.length + 1);
    const only = await load(VALID + rules + '  replace_defaults: true\n');
    expect(only.channels.rules.map((r) => r.channel)).toEqual(['podcast']);
  });

  it('lower-cases UTM aliases and merges them over the defaults', async () => {
    const ws = await load(VALID + `utm:\n  aliases:\n    source: { " LI ": LinkedIn }\n`);
    expect(ws.utm.aliases.source.li).toBe('linkedin');
    expect(ws.utm.aliases.source.fb).toBe('facebook');
  });

  it('says there is no config, and how to make one', async () => {
    const err = (() => {
      try {
        loadWorkspace({ cwd: path.join(dir, 'nowhere') });
      } catch (e) {
        return e as GtmError;
      }
    })();
    expect(err?.oneLine()).toMatch(/^error\[CONFIG\] gtm\.yaml: no workspace config found — run `gtm init`/);
  });
});

describe('loadWorkspace: each error names file:line, the key path and a fix, in one line', () => {
  it('unknown key, with "did you mean"', async () => {
    const yaml = VALID.replace('currency:\n  reporting', 'curency:\n  reporting');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'curency:')}:`);
    expect(line).toContain('unknown key "curency"');
    expect(line).toContain('did you mean "currency"?');
  });

  it('unknown key deep inside a source', async () => {
    const yaml = VALID.replace('    path: data/opps.csv', '    path: data/opps.csv\n    priorty: 3');
    const { line, file } = await fails(yaml);
    expect(line).toContain('sources[0].priorty');
    expect(line).toContain('did you mean "priority"?');
    // the line of the source item (or of the key itself)
    const l = Number(/:(\d+):/.exec(line)![1]);
    expect([lineOf(yaml, '  - name: crm'), lineOf(yaml, 'priorty')]).toContain(l);
    expect(line).toContain(file);
  });

  it('missing required key', async () => {
    const yaml = VALID.replace('    entity: opportunities\n', '');
    const { line } = await fails(yaml);
    expect(line).toContain('sources[0].entity');
    expect(line).toContain('missing required key "entity"');
    expect(line).toMatch(/— add entity:/);
  });

  it('missing required top-level key', async () => {
    const { line, file } = await fails(VALID.replace('version: 1\n', ''));
    expect(line).toContain(`${file}:1:`);
    expect(line).toContain('missing required key "version"');
  });

  it('wrong type', async () => {
    const yaml = VALID.replace(
      '    targets: { acme: { pipeline: 100 } }',
      '    targets: { acme: { pipeline: lots } }',
    );
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'pipeline: lots')}:`);
    expect(line).toContain('campaigns[0].targets.acme.pipeline must be a number');
  });

  it('wrong type: a list where a mapping is expected', async () => {
    const { line } = await fails(
      VALID + 'roster:\n  roles: [a, b]\n'.replace('roster:\n', 'dedupe:\n  touchpoints: [a]\n'),
    );
    // both keys are wrong (touchpoints is a list; roles is a list, and no entity); either is reported first
    expect(line).toMatch(/dedupe\.(touchpoints|roles) must be a mapping/);
  });

  it('bad enum', async () => {
    const yaml = VALID.replace('entity: touchpoints', 'entity: touches');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'entity: touches')}:`);
    expect(line).toContain(
      'sources[1].entity must be one of touchpoints, opportunities, stage_history, people',
    );
    expect(line).toContain('— use one of the listed values');
  });

  it('bad enum, misspelt: did you mean the value it was meant to be', async () => {
    const yaml = VALID.replace('entity: touchpoints', 'entity: touchpoint');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'entity: touchpoint')}:`);
    expect(line).toContain('sources[1].entity must be one of touchpoints, opportunities');
    expect(line).toMatch(/ — did you mean "touchpoints"\?$/);
  });

  it('a mapping to a misspelt canonical column: did you mean, and the columns', async () => {
    const yaml = VALID.replace(
      'mapping: { opportunity_id: Id }',
      'mapping: { opportunity_id: Id, amout: Amount }',
    );
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'amout: Amount')}:`);
    expect(line).toContain('sources[0].mapping maps unknown canonical column "amout" of opportunities');
    expect(line).toMatch(/ — did you mean "amount"\? canonical columns of opportunities: opportunity_id, /);
    // nothing close: the columns alone, as before
    const far = await fails(VALID.replace('mapping: { opportunity_id: Id }', 'mapping: { zzzzzz: Id }'));
    expect(far.line).toMatch(
      /unknown canonical column "zzzzzz" of opportunities — canonical columns of opportunities: /,
    );
  });

  it('a dedupe rule on a column or entity that does not exist: refused, naming the key, not an engine error', async () => {
    // before, `dedupe: { members: { keys: [member_id, email] } }` (members have no email column) stopped the normalize stage with
    // DuckDB's binder error (exit 6)
    const yaml = `${VALID}dedupe:\n  members:\n    keys: [member_id, regoin]\n`;
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'keys: [member_id, regoin]')}:`);
    expect(line).toContain('dedupe.members.keys[1] "regoin" is not a canonical column of members');
    expect(line).toMatch(/ — did you mean "region"\? canonical columns of members: member_id, /);
    // the default keys written out are accepted, touchpoints' derived channel among them
    const ws = await load(
      `${VALID}dedupe:\n  touchpoints:\n    keys: [person_id, touch_type, occurred_at, utm_campaign, asset, channel]\n`,
    );
    expect(ws.dedupe.touchpoints.keys).toContain('channel');
    // touchpoints' landing_url fills the UTM columns and is not in the normalized rows: no key
    const url = `${VALID}dedupe:\n  touchpoints:\n    keys: [person_id, landing_url]\n`;
    const kept = await fails(url);
    expect(kept.line).toContain(`${kept.file}:${lineOf(url, 'keys: [person_id, landing_url]')}:`);
    expect(kept.line).toContain(
      'dedupe.touchpoints.keys[1] "landing_url" is read only to fill other columns of touchpoints and is not kept, so it cannot be a dedupe key',
    );
    expect(kept.line).toMatch(
      / — key on the columns it fills \(touchpoints: touch_id, .*utm_term, partner, /,
    );
    const entity = `${VALID}dedupe:\n  member:\n    keys: [member_id]\n`;
    const bad = await fails(entity);
    expect(bad.line).toMatch(/dedupe must be one of touchpoints, .* — did you mean "members"\?$/);
  });

  it('bad date pattern', async () => {
    const yaml = VALID.replace('start: 2026-09-01', 'start: 09/01/2026');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'start: 09/01/2026')}:`);
    expect(line).toContain('campaigns[0].start has the wrong form (expected a date, YYYY-MM-DD)');
  });

  it('events.iglu_vendor: reverse DNS as Iglu takes it, else one line naming its line and an example', async () => {
    for (const vendor of ['com.acme', 'io.snowplow-analytics_eu', 'acme']) {
      const ws = await load(`${VALID}events:\n  iglu_vendor: ${vendor}\n`);
      expect(ws.events.iglu_vendor).toBe(vendor);
    }
    expect((await load(VALID)).events.iglu_vendor).toBeUndefined();
    for (const vendor of [
      'acme corp',
      'com..acme',
      '.com.acme',
      'com.acme.',
      '../x',
      'com/acme',
      'com.ac:me',
    ]) {
      const yaml = `${VALID}events:\n  plan: plan.yaml\n  iglu_vendor: "${vendor}"\n`;
      const { line, file } = await fails(yaml);
      expect(line).toBe(
        `error[CONFIG] ${file}:${lineOf(yaml, 'iglu_vendor:')}: events.iglu_vendor has the wrong form ` +
          '(expected an Iglu vendor in reverse DNS: letters, digits, _ and - between dots) — e.g. iglu_vendor: com.acme',
      );
    }
  });

  it('an empty list of personalization events: refused, naming the key, not run with no events', async () => {
    for (const key of ['engagement', 'conversion']) {
      const yaml = `${VALID}personalization:\n  events:\n    ${key}: []\n`;
      const { line, file } = await fails(yaml);
      expect(line).toContain(`${file}:${lineOf(yaml, `${key}: []`)}:`);
      expect(line).toContain(`personalization.events.${key} is an empty list`);
      expect(line).toContain(`— list at least one: outcome event names that count as ${key}; default [`);
      expect(line).toContain('(or remove the key for the default)');
    }
  });

  it('campaign that ends before it starts', async () => {
    const yaml = VALID.replace('end: 2026-12-31', 'end: 2026-08-01');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'end: 2026-08-01')}:`);
    expect(line).toContain('campaigns[0].end ends (2026-08-01) before it starts (2026-09-01)');
  });

  it('duplicate source names', async () => {
    const yaml = VALID.replace('  - name: web', '  - name: crm');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'crm\n    entity: touchpoints')}:`);
    expect(line).toContain('sources[1].name duplicate source name "crm"');
    expect(line).toContain('give each source a unique name');
  });

  it('unknown partner in a campaign', async () => {
    const yaml = VALID.replace('partners: [acme]', 'partners: [acme, globex]');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'partners: [acme, globex]')}:`);
    expect(line).toContain('campaigns[0].partners[1] unknown partner "globex"');
    expect(line).toContain('use a partner id: acme');
  });

  it('target for an unknown partner', async () => {
    const { line } = await fails(VALID.replace('targets: { acme:', 'targets: { initech:'));
    expect(line).toContain('campaigns[0].targets target for unknown partner "initech"');
  });

  it('unknown default partner of a source', async () => {
    const yaml = VALID.replace('partner: Acme Inc.', 'partner: Globex');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'partner: Globex')}:`);
    expect(line).toContain('sources[1].partner unknown partner "Globex"');
  });

  it('fallback role missing from the roster', async () => {
    const yaml = VALID.replace('fallback: ops', 'fallback: opz');
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'fallback: opz')}:`);
    expect(line).toContain('roster.roles.lead.fallback fallback role "opz" is not in the roster');
    expect(line).toContain('add roster.roles.opz');
  });

  it('escalation ladder naming a role not in the roster', async () => {
    const { line } = await fails(VALID.replace('track-source: [lead, ops]', 'track-source: [lead, cfo]'));
    expect(line).toContain('escalation.track-source[1] role "cfo" is not in the roster');
  });

  it('invalid regex in a channel rule', async () => {
    const yaml = VALID + `channels:\n  rules:\n    - { channel: x, when: { source_regex: "(unclosed" } }\n`;
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, '(unclosed')}:`);
    expect(line).toContain(
      'channels.rules[0].when.source_regex is not a valid regular expression: (unclosed',
    );
    expect(line).toContain('fix the pattern');
  });

  it('bad YAML syntax, with line and column', async () => {
    const yaml = VALID.replace('  reporting: usd', '  reporting: "usd');
    const { line, file } = await fails(yaml);
    expect(line).toMatch(
      new RegExp(`^error\\[CONFIG\\] ${file.replace('.', '\\.')}:\\d+:\\d+: invalid YAML: `),
    );
    const [, l] = /:(\d+):(\d+):/.exec(line)!;
    expect(Number(l)).toBeGreaterThanOrEqual(lineOf(yaml, '"usd'));
    expect(line).toContain('fix the YAML syntax');
  });

  it('bad YAML indentation points at the offending line', async () => {
    const yaml = 'version: 1\nsources:\n  - name: a\n   entity: people\n';
    const { line, file } = await fails(yaml);
    expect(line).toMatch(new RegExp(`${file.replace('.', '\\.')}:4:\\d+: invalid YAML`));
  });

  it('a key repeated in one mapping: the key path and both lines', async () => {
    const top = VALID + 'cadence: weekly\ncadence: daily\n';
    const a = await fails(top);
    const second = top.split('\n').indexOf('cadence: daily') + 1;
    expect(a.line).toBe(
      `error[CONFIG] ${a.file}:${second}: cadence appears twice in the same mapping, on lines ${second - 1} and ${second} — keep one of the two "cadence" keys (YAML allows a key once per mapping)`,
    );
    // nested, with a line between the two: the path names where
    const nested = VALID.replace(
      '    kind: file\n    path: data/opps.csv',
      '    kind: file\n    path: data/opps.csv\n    kind: postgres',
    );
    const b = await fails(nested);
    expect(b.line).toContain(
      `${b.file}:${lineOf(nested, 'kind: postgres')}: sources[0].kind appears twice in the same mapping, on lines ${lineOf(nested, 'kind: file')} and ${lineOf(nested, 'kind: postgres')}`,
    );
  });

  it('a roster person with an empty or blank name, as one without name', async () => {
    const missing = await fails(VALID.replace('{ name: Bo }', '{ email: bo@example.com }'));
    expect(missing.line).toContain('roster.roles.ops.people[0].name missing required key "name" — add name:');
    for (const blank of ['""', '"  "']) {
      const yaml = VALID.replace('{ name: Bo }', `{ name: ${blank} }`);
      const { line, file } = await fails(yaml);
      expect(line).toBe(
        `error[CONFIG] ${file}:${lineOf(yaml, `name: ${blank}`)}: roster.roles.ops.people[0].name is empty — write name: (the person's name, shown on the actions and escalations assigned to them)`,
      );
    }
  });

  it('a config path that is a folder', async () => {
    const err = (() => {
      try {
        loadWorkspace({ cwd: dir, configPath: '.' });
      } catch (e) {
        return e as GtmError;
      }
    })();
    expect(err?.code).toBe('CONFIG');
    expect(err?.oneLine()).toBe(
      `error[CONFIG] ${dir}: is a folder, not a gtm.yaml file — pass the file itself: --config gtm.yaml`,
    );
  });

  it('a config that is not a mapping', async () => {
    const { line } = await fails('- just\n- a list\n');
    expect(line).toContain('the config must be a YAML mapping');
  });

  it('a postgres source without table or query', async () => {
    const yaml = VALID.replace(
      'sources:\n',
      'sources:\n  - { name: pg, entity: people, kind: postgres, url: "env:PG" }\n',
    );
    const { line } = await fails(yaml);
    expect(line).toContain('sources[0] a postgres source needs "table" or "query"');
  });

  it('a partner alias claimed by two partners', async () => {
    const { line } = await fails(
      VALID.replace(
        '  - { id: acme,',
        '  - { id: acme2, name: Acme Two, aliases: [acme-co] }\n  - { id: acme,',
      ),
    );
    expect(line).toMatch(/partners\[1\]\.aliases alias "acme-co" also belongs to partner "acme2"/);
  });

  it('a misspelt threshold key, with "did you mean" (the run would silently use the default)', async () => {
    const yaml = `${VALID}thresholds:\n  referal_conversion_rate: 0.5\n`;
    const { line, file } = await fails(yaml);
    expect(line).toContain(`${file}:${lineOf(yaml, 'referal_conversion_rate')}:`);
    expect(line).toContain('thresholds.referal_conversion_rate unknown key "referal_conversion_rate"');
    expect(line).toContain('did you mean "referral_conversion_rate"?');
  });

  it('a rate threshold outside 0..1, as its flag refuses it', async () => {
    for (const key of [
      'referral_conversion_rate',
      'referral_fraud_reject_share',
      'loyalty_active_member_rate',
      'personalization_fallback_rate',
      'instrumentation_defect_rate',
      'attribution_confidence',
      'max_reject_rate',
    ]) {
      const { line } = await fails(`${VALID}thresholds:\n  ${key}: 1.7\n`);
      expect(line).toContain(`thresholds.${key} must be <= 1`);
    }
    const { line } = await fails(`${VALID}thresholds:\n  loyalty_liability_spike: -0.1\n`);
    expect(line).toContain('thresholds.loyalty_liability_spike must be >= 0');
  });

  it('every threshold a command reads is accepted', async () => {
    const ws = await load(
      `${VALID}thresholds:\n  referral_conversion_rate: 0.2\n  referral_fraud_reject_share: 0.01\n  loyalty_active_member_rate: 0.3\n  loyalty_liability_spike: 1.5\n  personalization_fallback_rate: 0.05\n  instrumentation_defect_rate: 0.02\n`,
    );
    expect(ws.thresholds).toMatchObject({ referral_conversion_rate: 0.2, loyalty_liability_spike: 1.5 });
  });
});

describe('loadWorkspace: source reading settings', () => {
  it('decimal and date_order are kept; other values refused', async () => {
    const ws = await load(
      VALID.replace(
        '    path: data/opps.csv',
        '    path: data/opps.csv\n    decimal: ","\n    date_order: dmy',
      ),
    );
    expect(ws.sources[0]).toMatchObject({ decimal: ',', date_order: 'dmy' });
    expect(ws.sources[1].decimal).toBeUndefined();
    const bad = await fails(
      VALID.replace('    path: data/opps.csv', '    path: data/opps.csv\n    date_order: ymd'),
    );
    expect(bad.line).toContain('sources[0].date_order must be one of mdy, dmy');
    const comma = await fails(
      VALID.replace('    path: data/opps.csv', '    path: data/opps.csv\n    decimal: ";"'),
    );
    expect(comma.line).toContain('sources[0].decimal must be one of ., ,');
  });

  it('amount_unit is kept (absent: undefined, read as major); another value is one CONFIG error (fails) naming the key and the values', async () => {
    const ws = await load(
      VALID.replace('    path: data/opps.csv', '    path: data/opps.csv\n    amount_unit: minor'),
    );
    expect(ws.sources[0].amount_unit).toBe('minor');
    expect(ws.sources[1].amount_unit).toBeUndefined();
    const bad = await fails(
      VALID.replace('    path: data/opps.csv', '    path: data/opps.csv\n    amount_unit: cents'),
    );
    expect(bad.line).toContain('sources[0].amount_unit must be one of major, minor');
  });

  it('id_format is kept (absent: undefined, read as auto); another value is one CONFIG error naming the key and the values', async () => {
    const ws = await load(
      VALID.replace('    path: data/opps.csv', '    path: data/opps.csv\n    id_format: salesforce'),
    );
    expect(ws.sources[0].id_format).toBe('salesforce');
    expect(ws.sources[1].id_format).toBeUndefined();
    const bad = await fails(
      VALID.replace('    path: data/opps.csv', '    path: data/opps.csv\n    id_format: sfdc'),
    );
    expect(bad.line).toContain('sources[0].id_format must be one of auto, salesforce, as_is');
  });
});
