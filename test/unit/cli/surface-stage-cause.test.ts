/**
 * A stage that failed on something the user fixes at once (a flag, gtm.yaml, a source file) is
 * reported as that error with its own hint, the plan record and the stage: the stage's owner and the
 * next rung of the escalation ladder were appended to "did you mean ...?" as well (the s17 new-user
 * review: `gtm optimize-referrals --experiments ref-double-sidd`). Data and engine causes keep them.
 */
import { describe, expect, it } from 'vitest';
import { surfaceStageCause } from '../../../src/cli/main.ts';
import { GtmError, type ErrorCode } from '../../../src/errors/index.ts';

const STAGE_HINT =
  'owner: referral_architect (Nadia Petrov); escalate to: partner_ops (Jonas Weber); plan record: /ws/.claude/plans/plan-1.json';
const failed = (code: ErrorCode, hint?: string) =>
  new GtmError('STAGE', 'stage "refresh" failed after 1 attempt: x', {
    where: 'refresh',
    hint: [hint, STAGE_HINT].filter(Boolean).join('; '),
    cause: new GtmError(code, 'no experiment "ref-double-sidd"', { where: '--experiments', hint }),
  });

describe('surfaceStageCause', () => {
  it.each(['USAGE', 'CONFIG', 'INPUT'] as const)(
    '%s: the cause with its own hint, the plan record and the stage',
    (code) => {
      const out = surfaceStageCause(failed(code, 'did you mean "ref-double-sided"?'));
      expect(out.code).toBe(code);
      expect(out.where).toBe('--experiments');
      expect(out.hint).toBe(
        'did you mean "ref-double-sided"?; plan record: /ws/.claude/plans/plan-1.json; stage refresh failed after 1 attempt',
      );
      expect(out.oneLine()).not.toMatch(/owner:|escalate to:/);
    },
  );

  it.each(['DATA', 'ENGINE', 'IO'] as const)(
    '%s: the stage, owner and plan record stay in the hint',
    (code) => {
      const out = surfaceStageCause(failed(code, 'check the rates'));
      expect(out.code).toBe(code);
      expect(out.hint).toBe(`check the rates; ${STAGE_HINT}; stage refresh failed after 1 attempt`);
    },
  );

  it('INPUT of a pull that kept failing after its retries (a database down): the owner and the ladder stay', () => {
    // h-plan28: the owner of the data pull and the next rung were dropped as if a flag were wrong
    const down = new GtmError(
      'INPUT',
      'cannot read from PostgreSQL at 127.0.0.1:5432/crm: connect ECONNREFUSED',
      {
        where: 'sources.crm.url',
        hint: 'is the server running and reachable?',
        retriable: true,
      },
    );
    const err = new GtmError('STAGE', 'stage "gather_crm" failed after 3 attempts: x', {
      where: 'gather_crm',
      hint: `is the server running and reachable?; ${STAGE_HINT}`,
      cause: down,
    });
    const out = surfaceStageCause(err);
    expect(out.code).toBe('INPUT');
    expect(out.where).toBe('sources.crm.url');
    expect(out.hint).toBe(
      `is the server running and reachable?; ${STAGE_HINT}; stage gather_crm failed after 3 attempts`,
    );
  });

  it('an internal fault stays a STAGE error', () => {
    expect(surfaceStageCause(failed('INTERNAL')).code).toBe('STAGE');
  });
});
