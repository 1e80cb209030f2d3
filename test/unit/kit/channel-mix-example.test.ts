/**
 * The walkthrough's example command (examples/command-kit/channel-mix.ts) runs on the kit: flags
 * validated from their declaration, sources gathered and accounted for, the typed stage, the alert,
 * the report written once with the alert in it, and the plan closed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_MIX_FLAGS, runChannelMix } from '../../../examples/command-kit/channel-mix.ts';
import { flagsJsonSchema, usageLine, flagSpecs } from '../../../src/commands/kit/index.ts';
import { GtmError } from '../../../src/errors/index.ts';
import { validatePlanRecord } from '../../../src/orchestrator/index.ts';
import { parseCsv } from '../../helpers/csv-parse.ts';
import { copyFixtureWorkspace, TINY_AS_OF, type FixtureWorkspace } from '../../helpers/fixture-workspace.ts';

let ws: FixtureWorkspace;
beforeAll(async () => {
  ws = await copyFixtureWorkspace();
});
afterAll(() => ws.remove());

describe('a command built on the kit (the walkthrough example)', () => {
  it('runs, counts every touch row, alerts and writes the report once', async () => {
    const run = await runChannelMix(
      { window: '90d', alert_threshold: 0.2 },
      { cwd: ws.dir, asOf: TINY_AS_OF },
    );
    const csv = parseCsv(await readFile(path.join(run.reportsDir, 'channels.csv'), 'utf8'));
    expect(csv.length).toBe(run.result.channels.length);
    // the same counts, recomputed independently from the accepted rows in the plan's accounting
    const accepted = run.record.row_accounting
      .filter((r) => r.entity === 'touchpoints')
      .reduce((s, r) => s + r.accepted, 0);
    expect(run.result.channels.reduce((s, c) => s + c.touches, 0)).toBeLessThanOrEqual(accepted);
    for (const r of run.record.row_accounting)
      expect(r.rows_in).toBe(r.accepted + r.deduplicated + r.rejected);
    expect(run.record.status).toBe('succeeded');
    validatePlanRecord(JSON.parse(await readFile(run.planPath, 'utf8')), run.planPath);
    const alert = run.result.alerts.find((a) => a.id === 'channel_concentration');
    expect(alert).toMatchObject({ threshold: 0.2, direction: 'above' });
    const shares = run.result.channels.map((c) => c.share);
    expect(alert!.value).toBeCloseTo(Math.max(...shares), 12);
    const onDisk = JSON.parse(await readFile(path.join(run.reportsDir, 'result.json'), 'utf8'));
    expect(onDisk.alerts).toEqual(run.result.alerts);
    expect(run.record.stages.flatMap((s) => s.tasks.map((t) => t.task_id))).toEqual(
      expect.arrayContaining(['normalize', 'count', 'report']),
    );
  });

  it('validates every flag from its declaration', async () => {
    const bad = async (flags: Record<string, unknown>) => {
      try {
        await runChannelMix(flags as never, { cwd: ws.dir, asOf: TINY_AS_OF });
      } catch (e) {
        expect(e).toBeInstanceOf(GtmError);
        return (e as GtmError).oneLine();
      }
      throw new Error('expected a usage error');
    };
    expect(await bad({ alert_threshold: 2 })).toBe(
      'error[USAGE] --alert-threshold: must be between 0 and 1, got 2 — e.g. --alert-threshold 0.5',
    );
    expect(await bad({ windw: '7d' })).toContain('unknown flag --windw — did you mean --window?');
    expect(await bad({ window: 'fortnight' })).toContain('--window: unknown window "fortnight"');
  });

  it('derives the usage line and the JSON Schema from the same declaration', () => {
    expect(usageLine('gtm channel-mix', flagSpecs(CHANNEL_MIX_FLAGS))).toBe(
      'gtm channel-mix [--window VALUE] [--alert-threshold 0..1]',
    );
    expect(flagsJsonSchema(CHANNEL_MIX_FLAGS)).toEqual({
      type: 'object',
      properties: {
        window: {
          type: 'string',
          minLength: 1,
          description: '7d, 30d or any Nd ending at as-of',
          default: '30d',
        },
        alert_threshold: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          default: 0.5,
          description: 'largest share of touches one channel may hold',
        },
      },
      required: [],
      additionalProperties: false,
    });
  });
});
