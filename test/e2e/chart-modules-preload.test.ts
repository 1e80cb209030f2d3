/**
 * The report's charts need Vega and Vega-Lite (about a second to load, most of it compiling them on
 * the main thread): a run starts loading them with its first command stage, while the engine
 * computes, not when the report renders its first chart after the last statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDemoWorkspace, DEMO_AS_OF, type DemoWorkspace } from '../helpers/demo-workspace.ts';
import { chartModulesRequested } from '../../src/report/render-chart-svg.ts';
import { trackSource } from '../../src/commands/track-source/index.ts';
import { runCommand } from '../../src/commands/kit/run-command.ts';

let demo: DemoWorkspace;
beforeAll(async () => {
  demo = await makeDemoWorkspace({ accounts: 200 });
});
afterAll(() => demo?.remove());

describe('loading the chart modules', () => {
  it('starts with the first command stage, before the report stage', async () => {
    const seen: { stage: string; requested: boolean }[] = [];
    const run = await runCommand(
      trackSource,
      { campaign: 'AI Launch Tour', window: '30d' },
      {
        cwd: demo.dir,
        asOf: DEMO_AS_OF,
        onEvent: (e) => {
          if (e.type === 'stage-succeeded')
            seen.push({ stage: e.task_id, requested: chartModulesRequested() });
        },
      },
    );
    expect(run.files.some((f) => f.endsWith('dashboard.html'))).toBe(true);
    const sourceStages = new Set([
      'normalize',
      ...seen.filter((s) => s.stage.startsWith('gather')).map((s) => s.stage),
    ]);
    const command = seen.filter((s) => !sourceStages.has(s.stage) && s.stage !== 'report');
    expect(command.length).toBeGreaterThan(0);
    expect(command.every((s) => s.requested)).toBe(true);
  });
});
