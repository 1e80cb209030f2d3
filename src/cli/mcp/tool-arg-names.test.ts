import { describe, expect, it } from 'vitest';
import { inToolTerms } from './tool-arg-names.ts';

const SCHEMA = {
  properties: {
    initiative: { type: 'string' },
    window: { type: 'string' },
    dimension: { type: 'array' },
    dimensions: { type: 'array' },
    alert_threshold: { type: 'number' },
    snapshot: { type: 'boolean' },
  },
};

describe('inToolTerms', () => {
  it('names the argument an error points at, with an example value as the agent sends it', () => {
    expect(
      inToolTerms(
        'error[USAGE] --alert-threshold: must be between 0 and 1, got 2 — e.g. --alert-threshold 0.05',
        SCHEMA,
      ),
    ).toBe('error[USAGE] alert_threshold: must be between 0 and 1, got 2 — e.g. alert_threshold: 0.05');
    expect(
      inToolTerms(
        'error[USAGE] --dimensions: has unknown value "x"; allowed: profile, channel, cohort — e.g. --dimensions profile,channel',
        SCHEMA,
      ),
    ).toBe(
      'error[USAGE] dimensions: has unknown value "x"; allowed: profile, channel, cohort — e.g. dimensions: ["profile","channel"]',
    );
    expect(inToolTerms('error[USAGE] --initiative: is required — add --initiative NAME', SCHEMA)).toBe(
      'error[USAGE] initiative: is required — add initiative',
    );
  });

  it('an unknown argument, "did you mean" and "see --help" in the tool’s terms', () => {
    expect(
      inToolTerms(
        'error[USAGE] --initative: unknown flag --initative — did you mean --initiative? see --help',
        SCHEMA,
      ),
    ).toBe(
      "error[USAGE] initative: unknown argument initative — did you mean initiative? see the tool's input schema (tools/list)",
    );
    expect(inToolTerms('error[USAGE] --snapshot: cannot be combined with --no-snapshot', SCHEMA)).toBe(
      'error[USAGE] snapshot: cannot be combined with snapshot: false',
    );
  });

  it('leaves alone what is not one of its arguments: other commands’ flags, quoted values, file places', () => {
    const line =
      'error[CONFIG] gtm.yaml:12: unknown key "--window" — run `gtm doctor --fix`, or rerun with --window 90d';
    expect(inToolTerms(line, SCHEMA)).toBe(
      'error[CONFIG] gtm.yaml:12: unknown key "--window" — run `gtm doctor --fix`, or rerun with window 90d',
    );
    const data = 'error[DATA] data/decisions.csv:3: value "--x" is not a date — fix the row';
    expect(inToolTerms(data, SCHEMA)).toBe(data);
  });
});
