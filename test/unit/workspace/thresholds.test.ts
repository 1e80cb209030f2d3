/**
 * gtm.yaml's `thresholds:` keys are declared once (src/workspace/thresholds.ts): the TypeScript type
 * of `WorkspaceConfig.thresholds` is closed over them (a misspelt key does not compile: the
 * `@ts-expect-error` lines below fail `tsc --noEmit` if it ever does), the schema that validates
 * gtm.yaml at run time carries the same keys and bounds, and the commands' defaults are the table's.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  DEFAULT_ACTIVE_RATE,
  DEFAULT_LIABILITY_SPIKE,
} from '../../../src/commands/monitor-loyalty/inputs.ts';
import { DEFAULT_FALLBACK_THRESHOLD } from '../../../src/commands/monitor-personalization/inputs.ts';
import {
  DEFAULT_MAX_REJECT_SHARE,
  DEFAULT_MIN_CONVERSION_RATE,
} from '../../../src/commands/optimize-referrals/inputs.ts';
import { GtmError } from '../../../src/errors/index.ts';
import {
  loadWorkspace,
  SCHEMA_PATH,
  THRESHOLD_KEYS,
  THRESHOLDS,
  thresholdsSchema,
  type ThresholdKey,
  type Thresholds,
  type WorkspaceConfig,
} from '../../../src/workspace/index.ts';

describe('the type of WorkspaceConfig.thresholds', () => {
  it('is closed over the table: its keys, the filled ones always present', () => {
    expectTypeOf<keyof WorkspaceConfig['thresholds']>().toEqualTypeOf<ThresholdKey>();
    expectTypeOf<ThresholdKey>().toEqualTypeOf<
      | 'attribution_confidence'
      | 'max_reject_rate'
      | 'instrumentation_defect_rate'
      | 'referral_conversion_rate'
      | 'referral_fraud_reject_share'
      | 'loyalty_active_member_rate'
      | 'loyalty_liability_spike'
      | 'personalization_fallback_rate'
    >();
    expectTypeOf<WorkspaceConfig['thresholds']['max_reject_rate']>().toEqualTypeOf<number>();
    expectTypeOf<WorkspaceConfig['thresholds']['loyalty_liability_spike']>().toEqualTypeOf<
      number | undefined
    >();
  });

  it('refuses a key outside the table at compile time', () => {
    const read = (t: WorkspaceConfig['thresholds']) =>
      // @ts-expect-error -- a misspelt key (referal): no such threshold
      t.referal_conversion_rate;
    const ok: Thresholds = { attribution_confidence: 0.7, max_reject_rate: 0, loyalty_liability_spike: 0.2 };
    const typo: Thresholds = {
      attribution_confidence: 0.7,
      max_reject_rate: 0,
      // @ts-expect-error -- an unknown key in a literal
      loyalty_liability_spik: 0.2,
    };
    // @ts-expect-error -- a filled key cannot be left out
    const missing: Thresholds = { attribution_confidence: 0.7 };
    // @ts-expect-error -- not a number
    const text: Thresholds = { attribution_confidence: '0.7', max_reject_rate: 0 };
    expect(read(ok)).toBeUndefined();
    expect([typo, missing, text]).toHaveLength(3);
  });
});

describe('the table and the run-time schema', () => {
  it('gtm.schema.json validates thresholds with the table: keys, commands, bounds (npx tsx scripts/sync-thresholds-schema.ts)', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as {
      properties: { thresholds: Record<string, unknown> };
    };
    expect(schema.properties.thresholds).toEqual(thresholdsSchema());
  });

  it('each default is within its bounds and said in its description', () => {
    for (const key of THRESHOLD_KEYS) {
      const spec: { what: string; minimum: number; maximum?: number; default: number } = THRESHOLDS[key];
      expect(spec.default, key).toBeGreaterThanOrEqual(spec.minimum);
      expect(spec.default, key).toBeLessThanOrEqual(spec.maximum ?? Infinity);
      expect(spec.what, key).toContain(`default ${spec.default}`);
    }
  });

  // define-events writes its default inline (0.02, src/commands/define-events/inputs.ts)
  it("is the commands' defaults", () => {
    expect({
      referral_conversion_rate: DEFAULT_MIN_CONVERSION_RATE,
      referral_fraud_reject_share: DEFAULT_MAX_REJECT_SHARE,
      loyalty_active_member_rate: DEFAULT_ACTIVE_RATE,
      loyalty_liability_spike: DEFAULT_LIABILITY_SPIKE,
      personalization_fallback_rate: DEFAULT_FALLBACK_THRESHOLD,
    }).toEqual(
      Object.fromEntries(
        THRESHOLD_KEYS.filter((k) => !('filled' in THRESHOLDS[k]) && k !== 'instrumentation_defect_rate').map(
          (k) => [k, THRESHOLDS[k].default],
        ),
      ),
    );
  });
});

describe('loading gtm.yaml against the table', () => {
  const VALID = `version: 1
sources:
  - { name: crm, entity: opportunities, kind: file, path: data/opps.csv }
`;
  let dir: string;
  let n = 0;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gtm-thresholds-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const load = async (thresholds: string) => {
    const name = `ws-${++n}.yaml`;
    await writeFile(path.join(dir, name), `${VALID}thresholds:\n${thresholds}`);
    return loadWorkspace({ cwd: dir, configPath: name });
  };
  const refusal = async (thresholds: string): Promise<string> => {
    const err = await load(thresholds).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GtmError);
    return (err as GtmError).oneLine();
  };

  it('fills the filled keys and keeps the others unset', async () => {
    const ws = await load('  loyalty_liability_spike: 0.3\n');
    expect(ws.thresholds).toEqual({
      attribution_confidence: 0.7,
      max_reject_rate: 0,
      loyalty_liability_spike: 0.3,
    });
  });

  it.each(THRESHOLD_KEYS)('%s: accepted at its bounds, refused beyond them', async (key: ThresholdKey) => {
    const spec: { minimum: number; maximum?: number } = THRESHOLDS[key];
    const edge = spec.maximum ?? spec.minimum + 5;
    expect((await load(`  ${key}: ${spec.minimum}\n`)).thresholds[key]).toBe(spec.minimum);
    expect((await load(`  ${key}: ${edge}\n`)).thresholds[key]).toBe(edge);
    expect(await refusal(`  ${key}: ${spec.minimum - 0.5}\n`)).toContain(
      `thresholds.${key} must be >= ${spec.minimum}`,
    );
    if (spec.maximum !== undefined)
      expect(await refusal(`  ${key}: ${spec.maximum + 0.5}\n`)).toContain(
        `thresholds.${key} must be <= ${spec.maximum}`,
      );
  });

  it('refuses a key outside the table, with "did you mean"', async () => {
    const line = await refusal('  loyalty_active_member_rat: 0.3\n');
    expect(line).toContain('unknown key "loyalty_active_member_rat"');
    expect(line).toContain('did you mean "loyalty_active_member_rate"?');
  });
});
