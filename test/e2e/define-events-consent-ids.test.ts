/**
 * RudderStack consent as OneTrust ids, read as the plan's categories through gtm.yaml
 * `events.governance.consent.ids`. The attribution plan names its categories in words:
 * "Email Link Clicked" needs Advertising. Before, the ids matched no category, so a message denied
 * C0004 passed under opt-out and one allowed C0004 was a consent_violation under opt-in (GDPR),
 * without a word; now the map reads C0004 as Advertising, and without it one warning line says so.
 *
 * By hand, five Email Link Clicked messages:
 *   1  allowed C0001 C0002 C0004            (RudderStack ids)
 *   2  allowed C0001 C0002, denied C0004    (RudderStack ids)
 *   3  Segment categoryPreferences { Advertising: true }
 *   4  Segment categoryPreferences { Advertising: false }
 *   5  no consent object
 * consent_violation — opt-out: without the map 4 (1 message), with it 2 and 4 (2);
 * opt-in: without the map 1, 2, 4, 5 (4: the ids grant nothing), with it 2, 4, 5 (3).
 * Without the map, messages 1 and 2 carry ids matching no category: 2 messages, C0001 C0002 C0004.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/analyses/instrumentation/index.ts';
import { describeOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const consentIds = (allowed: string[], denied: string[]) => ({
  consentManagement: {
    provider: 'oneTrust',
    resolutionStrategy: 'and',
    allowedConsentIds: allowed,
    deniedConsentIds: denied,
  },
});
const click = (i: number, context?: Record<string, unknown>) =>
  JSON.stringify({
    type: 'track',
    event: 'Email Link Clicked',
    userId: `u${i}`,
    messageId: `m${i}`,
    timestamp: '2026-11-10T10:00:00.000Z',
    properties: { email_id: `e${i}`, campaign_id: 'c1', link_url: 'https://example.com/offer' },
    ...(context ? { context } : {}),
  });
const PAYLOADS = [
  click(1, consentIds(['C0001', 'C0002', 'C0004'], [])),
  click(2, consentIds(['C0001', 'C0002'], ['C0004'])),
  click(3, { consent: { categoryPreferences: { Advertising: true } } }),
  click(4, { consent: { categoryPreferences: { Advertising: false } } }),
  click(5),
]
  .map((l) => `${l}\n`)
  .join('');

const yaml = (consent: string, engine = '') => `version: 1
${engine}sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
events:
  payloads: data/events
  governance:
    consent: ${consent}
`;
const MAP = '{ ids: { C0002: Analytics, C0004: Advertising } }';
const NO_MAP = '{ default_category: Analytics }';

const ARGV = [
  'define-events',
  '--use-case',
  'attribution',
  '--tools',
  'Segment',
  '--as-of',
  '2026-11-15',
  '--no-snapshot',
];
const GDPR = ['--constraints', 'GDPR'];

const WARNING =
  'warning: 2 captured messages carry consent manager ids (C0001, C0002, C0004) that match no consent category of the plan (Analytics, Advertising) and no mapping';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-consent-ids-'));
  await mkdir(path.join(dir, 'data/events'), { recursive: true });
  await writeFile(path.join(dir, 'data/members.csv'), 'member_id,enrolled_at,tier\nK1,2026-01-05,Gold\n');
  await writeFile(path.join(dir, 'data/events/captured.ndjson'), PAYLOADS);
  await writeFile(path.join(dir, 'gtm.map.yaml'), yaml(MAP));
  await writeFile(path.join(dir, 'gtm.nomap.yaml'), yaml(NO_MAP));
  await writeFile(path.join(dir, 'gtm.typo.yaml'), yaml('{ ids: { C0002: Analytics, C0004: Advertsing } }'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (config: string, extra: string[] = []) =>
  runCli([...ARGV, ...extra, '--config', config], { cwd: dir });
const validationOf = (r: CliRun) => {
  expect(r.code, r.stderr).toBe(0);
  return r.json<{ qa: { validation: ValidationReport } }>().qa.validation;
};
const warningsOf = (r: CliRun) => r.stderrLines.filter((l) => l.includes('consent manager ids'));

describe('define-events: consent manager ids read through events.governance.consent.ids', () => {
  it('opt-out: a message denied C0004 is a violation with the map, and passes without it (one warning)', async () => {
    const without = await run('gtm.nomap.yaml');
    const withMap = await run('gtm.map.yaml');
    expect(validationOf(without).violationsByType.consent_violation).toBe(1);
    expect(validationOf(withMap).violationsByType.consent_violation).toBe(2);
    expect(warningsOf(without)).toHaveLength(1);
    expect(warningsOf(without)[0]).toContain(WARNING);
    expect(warningsOf(without)[0]).toContain('events.governance.consent.ids');
    expect(validationOf(without).consentIdsUnmatched).toEqual({
      messages: 2,
      ids: ['C0001', 'C0002', 'C0004'],
      more: 0,
      categories: ['Analytics', 'Advertising'],
    });
    expect(warningsOf(withMap)).toEqual([]);
    expect(validationOf(withMap).consentIdsUnmatched).toBeUndefined();
  }, 120_000);

  it('opt-in (GDPR): a message allowed C0004 is granted with the map; Segment’s categories are read as before', async () => {
    const without = validationOf(await run('gtm.nomap.yaml', GDPR));
    const withMap = validationOf(await run('gtm.map.yaml', GDPR));
    expect(without.violationsByType.consent_violation).toBe(4);
    expect(withMap.violationsByType.consent_violation).toBe(3);
    const lines = (v: ValidationReport) =>
      v.samples.filter((s) => s.type === 'consent_violation').map((s) => Number(s.where?.split(':').pop()));
    expect(lines(without)).toEqual([1, 2, 4, 5]);
    expect(lines(withMap)).toEqual([2, 4, 5]);
  }, 120_000);

  it('refuses a map naming no category, with one CONFIG line naming the key (exit 3)', async () => {
    const r = await run('gtm.typo.yaml');
    expect(r.code).toBe(3);
    const errors = r.stderrLines.filter((l) => l.startsWith('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^error\[CONFIG\] events\.governance\.consent\.ids\.C0004: maps consent id "C0004" to "Advertsing", which is no consent category of the plan or gtm\.yaml \(/,
    );
  }, 120_000);

  it('gtm events validate reads the map from gtm.yaml too', async () => {
    const first = await run('gtm.map.yaml');
    const plan = path.join(first.json<{ reports_dir: string }>().reports_dir, 'tracking-plan.json');
    const validate = (config: string) =>
      runCli(['events', 'validate', '--plan', plan, '--input', 'data/events', '--config', config, '--json'], {
        cwd: dir,
      });
    const withMap = await validate('gtm.map.yaml');
    const without = await validate('gtm.nomap.yaml');
    expect(withMap.code, withMap.stderr).toBe(0);
    expect(withMap.json<ValidationReport>().violationsByType.consent_violation).toBe(2);
    expect(without.json<ValidationReport>().violationsByType.consent_violation).toBe(1);
    expect(warningsOf(without)).toHaveLength(1);
    expect(warningsOf(without)[0]).toContain(WARNING);
    expect(warningsOf(withMap)).toEqual([]);
  }, 120_000);
});

describeOnClickHouse('define-events on ClickHouse reads the map as on the files', (ch) => {
  beforeAll(async () => {
    const engine = `engine: { kind: clickhouse, url: "${ch.url}", database: consent_ids }\n`;
    await writeFile(path.join(dir, 'gtm.ch-map.yaml'), yaml(MAP, engine));
    await writeFile(path.join(dir, 'gtm.ch-nomap.yaml'), yaml(NO_MAP, engine));
    const load = await runCli(
      ['engine', 'load', '--config', 'gtm.ch-map.yaml', '--source', 'event_payloads', '--json'],
      { cwd: dir },
    );
    expect(load.code, load.stderr).toBe(0);
  }, 120_000);

  it('gives the report and the warning of the run on the files, opt-in and opt-out', async () => {
    for (const extra of [[], GDPR])
      for (const [files, server] of [
        ['gtm.map.yaml', 'gtm.ch-map.yaml'],
        ['gtm.nomap.yaml', 'gtm.ch-nomap.yaml'],
      ]) {
        const duck = await run(files, extra);
        const click = await run(server, extra);
        expect(validationOf(click)).toEqual(validationOf(duck));
        expect(warningsOf(click)).toEqual(warningsOf(duck));
      }
  }, 240_000);
});
