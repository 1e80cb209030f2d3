/**
 * Configured rules name no initiative: a rule belongs to the initiatives whose decisions name it.
 * A rule no decision names (never evaluated) belongs to none: a run of every initiative checks it
 * (stale, never evaluated), a run of one initiative leaves it out of its stale rules and says so in
 * one plan note. It was checked in every initiative's run (h-persacc20's fix), so each initiative
 * reported it as its own stale rule with a backlog item: on the demo with ghost_banner added to
 * personalization.rules (created 2026-06-01, no decision), both `--initiative "PLG Onboarding"` and
 * `--initiative "Lifecycle Email"` listed "ghost_banner: no evaluations for 190 days".
 */
import { describe, expect, it } from 'vitest';
import type { AggregateOutput } from './aggregate-stage.ts';
import { ruleConfigs, unclaimedNote, unclaimedRules } from './governance-stage.ts';
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
  it("checks the initiative's rules only: not another initiative's, nor one no decision names", () => {
    expect(ruleConfigs(run, winBack).map((r) => r.rule)).toEqual(['winback_email']);
  });

  it('names the never-evaluated rule once, in a note that claims no initiative', () => {
    expect(unclaimedRules(run, winBack)).toEqual(['winback_push']);
    expect(unclaimedNote(unclaimedRules(run, winBack))).toBe(
      '1 configured rule never evaluated (no decision of any initiative names it): winback_push — not this ' +
        "initiative's, so not among its stale rules; a run of every initiative (without --initiative) reports it as stale",
    );
  });

  it('checks every configured rule in a run of every initiative', () => {
    const all = { ...winBack, initiativeKeys: null } as unknown as AggregateOutput;
    expect(ruleConfigs(run, all).map((r) => r.rule)).toEqual([
      'winback_email',
      'trial_welcome',
      'winback_push',
    ]);
    expect(unclaimedRules(run, all)).toEqual([]);
  });
});
