/**
 * result.json is a documented machine contract: every command's output must validate against the
 * JSON Schema shipped beside it, including with every optional breakdown and compare mode on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_AS_OF, makeDemoWorkspace, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

let demo: DemoWorkspace;
beforeAll(async () => {
  demo = await makeDemoWorkspace();
});
afterAll(() => demo?.remove());

const schema = JSON.parse(
  readFileSync(path.resolve('src/commands/track-source/track-source.result.schema.json'), 'utf8'),
);
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

it.each([
  ['default', []],
  ['every breakdown, model comparison', ['--dimensions', 'asset,region', '--attribution-model', 'compare']],
  ['a data-driven model with bootstrap intervals', ['--attribution-model', 'markov']],
])('track-source result.json validates (%s)', async (_label, extra) => {
  const res = await runCli(
    ['track-source', '--campaign', 'AI Launch Tour', '--as-of', DEMO_AS_OF, '--json', ...extra],
    { cwd: demo.dir },
  );
  expect(res.code).toBe(0);
  const result = res.json<Record<string, unknown>>();
  const ok = validate(result);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  const onDisk = JSON.parse(
    readFileSync(path.join(demo.dir, String(result.reports_dir), 'result.json'), 'utf8'),
  );
  expect(onDisk).toEqual(result);
});

it('rejects a result that breaks the contract (the schema is not vacuous)', () => {
  expect(validate({ schema: 'gtm.track-source.result/v1' })).toBe(false);
  expect(validate.errors?.some((e) => e.keyword === 'required')).toBe(true);
});
