import { describe, expect, it } from 'vitest';
import type { ExperimentReadout } from '../shared/experiment-review/index.ts';
import { noRollBackOnTooFew } from './experiments-stage.ts';

/** A readout as the engine gives it for the s9 review's loy5: 3 members against 3, liability guardrail violated. */
function readout(action: 'roll back' | 'ship' | 'keep running', enough: boolean): ExperimentReadout {
  const reason =
    "double: guardrail 'points_liability' is violated: +181.25% (95% interval +137.58% to +224.92%)";
  return {
    id: 'exp1',
    name: 'Double pts',
    status: 'completed',
    days_running: 30,
    units: 6,
    health: { smallest_arm: 3, min_sample_size: 150, enough_sample: enough },
    recommendation: {
      action,
      variant: null,
      reasons: [reason],
      variants: [{ name: 'double', action, reasons: [reason] }],
    },
    next_test: 'Roll back double of Double pts; test a smaller change.',
  } as unknown as ExperimentReadout;
}

describe('no roll back from too few units', () => {
  it('turns a roll back on 3 vs 3 members into keep running, saying why and keeping the reasons', () => {
    const r = noRollBackOnTooFew(readout('roll back', false));
    const why =
      'inconclusive: too few units (the smallest arm has 3, the minimum is 150): no roll back is recommended from this result; keep the test running';
    expect(r.recommendation.action).toBe('keep running');
    expect(r.recommendation.reasons[0]).toBe(why);
    expect(r.recommendation.reasons[1]).toMatch(/guardrail 'points_liability' is violated/);
    expect(r.recommendation.variants[0]).toMatchObject({ name: 'double', action: 'keep running' });
    expect(r.recommendation.variants[0].reasons[0]).toBe(why);
    expect(r.next_test).toMatch(/^Keep Double pts running/);
  });

  it('keeps a roll back once the sample is enough, and leaves other actions alone', () => {
    const enough = readout('roll back', true);
    expect(noRollBackOnTooFew(enough)).toBe(enough);
    const running = readout('keep running', false);
    expect(noRollBackOnTooFew(running)).toBe(running);
  });
});
