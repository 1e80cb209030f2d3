import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { serializePlanDocument } from '../../analyses/instrumentation/index.ts';
import { GtmError } from '../../errors/index.ts';
import { exportPlan } from '../shared/tracking-plan-io/export-plan.ts';
import { importPlan } from '../shared/tracking-plan-io/import-plan.ts';
import { codegenFile, diffPlanFiles, inferPlanFromFiles, lintPlanFile } from './plan-tools.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gtm-plan-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const catchErr = (f: () => unknown): GtmError => {
  try {
    f();
  } catch (e) {
    return e as GtmError;
  }
  throw new Error('expected an error');
};

describe('importPlan / exportPlan errors', () => {
  it('point at file:row for CSV and file:path for documents, with a hint', () => {
    const csv = write('plan.csv', 'event,property,property_required\nOrder Completed,order_id,sometimes\n');
    const e1 = catchErr(() => importPlan({ path: csv }));
    expect(e1).toBeInstanceOf(GtmError);
    expect(e1.oneLine()).toBe(
      `error[INPUT] ${csv}:2 (property_required): gtm-csv plan: "sometimes" is not a boolean — use true or false`,
    );
    const doc = JSON.parse(serializePlanDocument(shopPlan(), 'json'));
    doc.events[0].status = 'live';
    const json = write('plan.json', JSON.stringify(doc));
    const e2 = catchErr(() => importPlan({ path: json }));
    expect(e2.where).toBe(`${json}:events[0].status`);
    expect(e2.code).toBe('INPUT');
    const e3 = catchErr(() => importPlan({ path: write('x.json', '{"hello": 1}') }));
    expect(e3.message).toBe('cannot tell the plan format');
    expect(e3.hint).toMatch(/pass --format/);
    expect(catchErr(() => importPlan({ path: json, format: 'excel' as never })).code).toBe('USAGE');
  });

  it('writes directories for per-event formats and files for the others', async () => {
    expect(
      await exportPlan({ format: 'iglu', plan: shopPlan(), out: join(tmp, 'iglu'), vendor: 'com.shop' }),
    ).toContain(join(tmp, 'iglu', 'com.shop', 'order_completed', 'jsonschema', '3-0-0'));
    // Beside the file: what Amplitude could not carry (the plan's own facts).
    expect(
      await exportPlan({ format: 'amplitude', plan: shopPlan(), out: join(tmp, 'out', 'amp.csv') }),
    ).toEqual([join(tmp, 'out', 'amp.csv'), join(tmp, 'out', 'amp.csv.losses.md')]);
    expect(
      await exportPlan({ format: 'gtm-json', plan: shopPlan(), out: join(tmp, 'out', 'p.json') }),
    ).toEqual([join(tmp, 'out', 'p.json')]);
  });
});

describe('plan tools', () => {
  it('diff two plan files in different formats into a changelog', async () => {
    const before = join(tmp, 'before.yaml');
    await exportPlan({ format: 'gtm-yaml', plan: shopPlan(), out: before });
    const next = shopPlan();
    next.events[0].properties[0].schema = { type: 'integer' };
    const after = join(tmp, 'after.csv');
    await exportPlan({ format: 'gtm-csv', plan: next, out: after });
    const { diff, changelog } = diffPlanFiles({ old: before, new: after });
    expect(diff.changes.filter((c) => c.level !== 'none').map((c) => [c.property, c.kind, c.level])).toEqual([
      ['order_id', 'type-changed', 'model'],
      ['order_id', 'constraint-removed', 'addition'],
    ]);
    expect(changelog).toContain(
      '- **MODEL** `order_id`: type string → integer: every historical record has the old type',
    );
  });

  it('lint a plan file with regulations', async () => {
    const file = join(tmp, 'lint.yaml');
    await exportPlan({ format: 'gtm-yaml', plan: shopPlan(), out: file });
    expect(lintPlanFile({ plan: file, regulations: ['GDPR'] }).findings.map((f) => f.rule)).toContain(
      'gdpr-opt-in',
    );
  });

  it('write the generated module', async () => {
    const out = join(tmp, 'gen', 'tracking.ts');
    const code = await codegenFile({ plan: shopPlan(), out });
    expect(code).toContain('export function orderCompleted(');
  });

  it('infer a plan from sample NDJSON', async () => {
    const msgs = Array.from({ length: 40 }, (_, i) => ({
      type: 'track',
      event: 'Song Played',
      userId: `u${i}`,
      properties: {
        genre: ['rock', 'jazz'][i % 2],
        seconds: i * 10,
        ...(i % 4 === 0 ? { playlist: 'p' } : {}),
      },
    }));
    const file = write('samples.ndjson', msgs.map((m) => JSON.stringify(m)).join('\n'));
    const { plan, events } = await inferPlanFromFiles({ input: file });
    expect(plan.events[0].properties).toEqual([
      { name: 'genre', required: true, schema: { type: 'string', enum: ['jazz', 'rock'] } },
      { name: 'seconds', required: true, schema: { type: 'integer' } },
      { name: 'playlist', required: false, schema: { type: 'string' } },
    ]);
    expect(events[0].properties.find((p) => p.path === 'playlist')?.presence).toBe(0.25);
  });
});
