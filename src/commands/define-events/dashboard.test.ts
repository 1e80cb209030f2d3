import { describe, expect, it } from 'vitest';
import { lintItems } from './dashboard.ts';
import type { DefineEventsResult } from './result.ts';

const withLint = (lint: Partial<DefineEventsResult['governance']['lint']>) =>
  ({
    governance: {
      lint: { findings: [], errors: 0, warnings: 0, regulations: [], ...lint },
      rules: [],
      rows: [],
    },
  }) as unknown as DefineEventsResult;

describe('the lint findings of the spec', () => {
  it('call retention clean only when every event has a period and a consent category', () => {
    const clean = lintItems(withLint({ coverage: { events: 3, with_retention: 3, with_consent: 3 } }));
    expect(clean).toEqual([
      {
        text: 'No findings: names, descriptions, constraints, consent and retention are clean (all 3 events have both).',
        status: 'ok',
      },
    ]);
  });

  it('never say "retention are clean" while retention is blank, even with the rules switched off', () => {
    const blank = lintItems(withLint({ coverage: { events: 3, with_retention: 1, with_consent: 2 } }));
    expect(blank).toEqual([
      {
        text: 'No findings, but 2 without a retention period and 1 without a consent category (rules switched off).',
        status: 'warn',
      },
    ]);
    expect(JSON.stringify(blank)).not.toContain('retention are clean');
  });

  it('list the findings when there are any', () => {
    const items = lintItems(
      withLint({
        coverage: { events: 1, with_retention: 0, with_consent: 1 },
        findings: [
          {
            rule: 'event-retention',
            severity: 'error',
            event: 'Signed Up',
            message: 'event has no retention period',
          },
        ],
      }),
    );
    expect(items).toEqual([
      {
        text: '[error] event-retention — Signed Up',
        detail: 'event has no retention period',
        status: 'alert',
      },
    ]);
  });
});
