/**
 * The build compiles the gtm.yaml validator ahead of time (scripts/build.mjs); the compiled package
 * loads it instead of compiling the schema at start-up. It must judge every config exactly as the
 * schema compiled at run time does: same verdict, same errors (the messages are built from them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { makeDemoWorkspace } from '../../helpers/demo-workspace.ts';
import { SCHEMA_OPTIONS, SCHEMA_PATH, schemaParts } from '../../../src/workspace/load-workspace.ts';
import { PLAN_SCHEMA_OPTIONS, planSchema } from '../../../src/orchestrator/validate-plan-record.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const prebuiltPath = path.join(root, 'dist/workspace/gtm-schema-validate.cjs');

describe.runIf(existsSync(prebuiltPath))('the prebuilt gtm.yaml validator', () => {
  const prebuilt = createRequire(import.meta.url)(prebuiltPath) as Ajv['compile'] extends (
    ...a: never[]
  ) => infer V
    ? V
    : never;
  const ajv = new Ajv(SCHEMA_OPTIONS);
  for (const s of schemaParts()) ajv.addSchema(s);
  const fresh = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')));

  const judge = (v: typeof fresh, config: unknown) => ({ ok: v(config), errors: v.errors ?? null });

  it('agrees with the schema compiled at run time, on the demo config and on broken ones', async () => {
    const ws = await makeDemoWorkspace();
    const demo = parse(await ws.read('gtm.yaml')) as Record<string, unknown>;
    await ws.remove();
    const cases: unknown[] = [
      demo,
      { ...demo, bogus: 1 },
      { ...demo, version: 2 },
      { ...demo, sources: [] },
      { ...demo, engine: { kind: 'duckdb', memory_limit: 5 } },
      { ...demo, sources: [{ name: 'x y', entity: 'nope', kind: 'file' }] },
      { ...demo, loyalty: { value_per_point: 'a lot' } },
      { ...demo, referrals: { fraud: { bands: { review: 2 } } } },
      { ...demo, personalization: { holdout_variants: 'holdout' } },
      'not an object',
    ];
    for (const config of cases) expect(judge(prebuilt, config)).toEqual(judge(fresh, config));
    expect(judge(prebuilt, demo).ok).toBe(true);
  });
});

const prebuiltPlanPath = path.join(root, 'dist/orchestrator/plan-schema-validate.cjs');

describe.runIf(existsSync(prebuiltPlanPath))('the prebuilt plan record validator', () => {
  it('agrees with plan.schema.json compiled at run time, on a real plan and on broken ones', async () => {
    const prebuilt = createRequire(import.meta.url)(prebuiltPlanPath) as ValidateFunction;
    const fresh: ValidateFunction = new Ajv(PLAN_SCHEMA_OPTIONS).compile(planSchema);
    const { runPlan } = await import('../../../src/orchestrator/index.ts');
    const { spec, stage, tempPlanDir, readValidPlans } =
      await import('../../../src/orchestrator/fixtures/plan-fixtures.ts');
    const { dir, cleanup } = await tempPlanDir();
    try {
      await runPlan(spec([stage('a'), stage('b', ['a'])]), { planDir: dir });
      const [plan] = await readValidPlans(dir);
      const real = plan as unknown as Record<string, unknown>;
      const cases: unknown[] = [
        real,
        { ...real, status: 'sideways' },
        { ...real, stages: 'none' },
        { ...real, extra_key: true },
        {},
        [],
      ];
      const judge = (v: ValidateFunction, x: unknown) => ({ ok: v(x), errors: v.errors ?? null });
      for (const x of cases) expect(judge(prebuilt, x)).toEqual(judge(fresh, x));
      expect(judge(prebuilt, plan).ok).toBe(true);
    } finally {
      await cleanup();
    }
  });
});
