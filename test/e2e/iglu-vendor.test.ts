/**
 * The Iglu vendor of Snowplow schemas: gtm.yaml `events.iglu_vendor` names it for `define-events
 * --tools Snowplow` (which had no way to, and always wrote the placeholder `com.example`) and is the
 * default of `gtm events export --format iglu --vendor`. Unset, the placeholder stays, and the run
 * says so in one warning line; a bad vendor is one CONFIG line naming its gtm.yaml line.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IGLU_VENDOR, serializePlanDocument } from '../../src/analyses/instrumentation/index.ts';
import { shopPlan } from '../fixtures/events/shop-plan.ts';
import { runCli } from '../helpers/run-cli.ts';

const root = mkdtempSync(path.join(tmpdir(), 'gtm-iglu-vendor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A workspace folder with this gtm.yaml (none when `yaml` is null) and the shop plan. */
function workspace(yaml: string | null): string {
  const dir = path.join(root, `ws-${++n}`);
  mkdirSync(dir);
  if (yaml !== null) writeFileSync(path.join(dir, 'gtm.yaml'), yaml);
  writeFileSync(path.join(dir, 'plan.yaml'), serializePlanDocument(shopPlan(), 'yaml'));
  return dir;
}
const withVendor = (vendor: string) => `version: 1\nsources: []\nevents:\n  iglu_vendor: ${vendor}\n`;
const PLACEHOLDER_WARNING =
  'Iglu schemas use the placeholder vendor com.example (iglu:com.example/…), not yours: set events.iglu_vendor in gtm.yaml (e.g. iglu_vendor: com.acme)';

const defineEvents = (cwd: string) =>
  runCli(
    [
      'define-events',
      '--use-case',
      'pipeline velocity',
      '--sources',
      'product,crm',
      '--tools',
      'Snowplow,Segment',
      '--as-of',
      '2026-06-01',
      '--json',
    ],
    { cwd, env: { ...process.env, GTM_SNAPSHOT: 'never' } },
  );

/** The `vendor/name/jsonschema/version` paths under an Iglu folder, and each schema's `self.vendor`. */
function igluFolder(dir: string): { paths: string[]; selfVendors: string[] } {
  const paths = (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => p.split(path.sep).join('/'))
    .filter((p) => p.split('/').length === 4)
    .sort();
  const selfVendors = paths.map(
    (p) => (JSON.parse(readFileSync(path.join(dir, p), 'utf8')) as { self: { vendor: string } }).self.vendor,
  );
  return { paths, selfVendors };
}

describe('define-events --tools Snowplow: the Iglu vendor', () => {
  it('is events.iglu_vendor of gtm.yaml, in every schema path and self, with no warning', async () => {
    const dir = workspace(withVendor('com.acme'));
    const r = await defineEvents(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderrLines.filter((l) => l.startsWith('warning') || l.startsWith('error'))).toEqual([]);
    const result = r.json<{ reports_dir: string; tracking_plan: { events: number } }>();
    const { paths, selfVendors } = igluFolder(path.join(dir, result.reports_dir, 'exports/iglu'));
    expect(paths.length).toBe(result.tracking_plan.events);
    expect(paths.every((p) => p.startsWith('com.acme/') && p.endsWith('/jsonschema/1-0-0'))).toBe(true);
    expect(paths).toContain('com.acme/opportunity_closed/jsonschema/1-0-0');
    expect(new Set(selfVendors)).toEqual(new Set(['com.acme']));
    expect(existsSync(path.join(dir, result.reports_dir, 'exports/iglu/com.example'))).toBe(false);
  });

  it('unset: the placeholder com.example, said once in a warning line naming the setting', async () => {
    for (const dir of [workspace('version: 1\nsources: []\n'), workspace(null)]) {
      const r = await defineEvents(dir);
      expect(r.code, r.stderr).toBe(0);
      const result = r.json<{ reports_dir: string; tracking_plan: { events: number } }>();
      const events = result.tracking_plan.events;
      expect(r.stderrLines.filter((l) => l.startsWith('warning'))).toEqual([
        `warning: ${events} ${PLACEHOLDER_WARNING}`,
      ]);
      const { paths } = igluFolder(path.join(dir, result.reports_dir, 'exports/iglu'));
      expect(paths.length).toBe(events);
      expect(paths.every((p) => p.startsWith('com.example/'))).toBe(true);
    }
  });

  it('a vendor Iglu does not take is one CONFIG line naming the gtm.yaml line and an example', async () => {
    const dir = workspace(
      'version: 1\nsources: []\nevents:\n  payloads: x.ndjson\n  iglu_vendor: Acme Corp\n',
    );
    const r = await defineEvents(dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderrLines).toEqual([
      'error[CONFIG] gtm.yaml:5: events.iglu_vendor has the wrong form (expected an Iglu vendor in reverse DNS: letters, digits, _ and - between dots) — e.g. iglu_vendor: com.acme',
    ]);
  });

  it('gtm.schema.json holds the vendor to the rule --vendor and the export apply', () => {
    const schema = JSON.parse(readFileSync(path.resolve('src/workspace/gtm.schema.json'), 'utf8')) as {
      properties: { events: { properties: { iglu_vendor: { pattern: string } } } };
    };
    expect(schema.properties.events.properties.iglu_vendor.pattern).toBe(IGLU_VENDOR.source);
  });
});

describe('gtm events export --format iglu: the vendor', () => {
  const exportIglu = (cwd: string, extra: string[] = [], out = 'schemas') =>
    runCli(['events', 'export', '--format', 'iglu', '--plan', 'plan.yaml', '--out', out, ...extra], {
      cwd,
    });
  const events = shopPlan().events.length;

  it('defaults to events.iglu_vendor of gtm.yaml; --vendor wins over it', async () => {
    const dir = workspace(withVendor('com.acme'));
    let r = await exportIglu(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderrLines).toEqual([]);
    expect(new Set(igluFolder(path.join(dir, 'schemas')).selfVendors)).toEqual(new Set(['com.acme']));
    r = await exportIglu(dir, ['--vendor', 'io.other'], 'flag');
    expect(r.code, r.stderr).toBe(0);
    const { paths, selfVendors } = igluFolder(path.join(dir, 'flag'));
    expect(paths.length).toBe(events);
    expect(new Set(selfVendors)).toEqual(new Set(['io.other']));
  });

  it('unset: the placeholder, with one warning line that also names --vendor', async () => {
    for (const dir of [workspace(null), workspace('version: 1\nsources: []\n')]) {
      const r = await exportIglu(dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderrLines).toEqual([`warning: ${events} ${PLACEHOLDER_WARNING}, or pass --vendor VENDOR`]);
      expect(new Set(igluFolder(path.join(dir, 'schemas')).selfVendors)).toEqual(new Set(['com.example']));
    }
  });

  it('no warning when every event keeps its own vendor (schemas another tool wrote)', async () => {
    const dir = workspace(null);
    const schema = 'com.olark/transcript/jsonschema/1-0-0';
    mkdirSync(path.join(dir, 'central', path.dirname(schema)), { recursive: true });
    copyFileSync(
      path.resolve('test/reference-data/tracking-plans/iglu-central-schemas', schema),
      path.join(dir, 'central', schema),
    );
    const r = await runCli(['events', 'export', '--format', 'iglu', '--plan', 'central', '--out', 'again'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderrLines).toEqual([]);
    expect(igluFolder(path.join(dir, 'again')).paths).toEqual([schema]);
  });
});
