/**
 * A configured rule that no initiative's decisions name (never evaluated) is checked in a run of
 * one initiative too, so its stale "no evaluations" shows in the usage line. Found by the issue 13
 * acceptance check (h-persacc20): winback_push, configured in personalization.rules and never
 * evaluated, was reported only by a run of every initiative; `--initiative "Win-back"` checked 2
 * rules and found no stale one.
 */
import { describe, expect, it } from 'vitest';
import type { AggregateOutput } from './aggregate-stage.ts';
import { ruleConfigs } from './governance-stage.ts';
import type { Run } from './run-scope.ts';

const run = {
  ws: {
    personalization: {
      rules: [
        { id: 'winback_email', variants: ['em_a', 'em_b'] },
        { id: 'trial_welcome', variants: ['welcome_a', 'welcome_b'] },
        { id: 'winback_push', variants: ['push_a', 'push_b'], created: '2026-07-01' },
      ],
    },
  },
} as unknown as Run;

const winBack = {
  initiativeKeys: ['Win-back'],
  rules: ['winback_email', 'winback_offer'],
  servedRules: ['trial_welcome', 'winback_email', 'winback_offer'],
} as unknown as AggregateOutput;

describe('configured rules in a run of one initiative', () => {
  it("checks the initiative's rules and the rules no decision names, not another initiative's", () => {
    expect(ruleConfigs(run, winBack).map((r) => r.rule)).toEqual(['winback_email', 'winback_push']);
  });

  it('checks every configured rule in a run of every initiative', () => {
    const all = { ...winBack, initiativeKeys: null } as unknown as AggregateOutput;
    expect(ruleConfigs(run, all).map((r) => r.rule)).toEqual([
      'winback_email',
      'trial_welcome',
      'winback_push',
    ]);
  });
});
