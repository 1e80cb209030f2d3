/**
 * The terminal's QA line printed the defect rate with two fixed decimals: 1 message with violations
 * in 23,053 checked read "(0.00%)", as if the capture were clean. It keeps three significant
 * digits below 0.01% now ("(0.00434%)"), as `gtm doctor` does for rejected rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureDir, type FixtureDir } from '../../../test/helpers/fixture-dir.ts';
import { formatDefineEvents } from './format.ts';
import { runDefineEvents } from './index.ts';
import type { DefineEventsResult } from './result.ts';

const MESSAGE = {
  type: 'track',
  event: 'Opportunity Created',
  messageId: 'm1',
  userId: 'u1',
  timestamp: '2026-11-14T10:00:00Z',
  properties: {},
};

let dir: FixtureDir;
let r: DefineEventsResult;
beforeAll(async () => {
  dir = await makeFixtureDir({ 'captured.ndjson': `${JSON.stringify(MESSAGE)}\n` });
  const flags = { use_case: ['pipeline velocity'], sources: ['product', 'crm'], payloads: 'captured.ndjson' };
  r = (await runDefineEvents(flags, { cwd: dir.dir, asOf: '2026-11-15' })).result;
}, 60_000);
afterAll(() => dir?.remove());

/** The run's result with `bad` of `checked` messages with violations. */
const withDefects = (bad: number, checked: number): DefineEventsResult => ({
  ...r,
  qa: {
    ...r.qa,
    validation: { ...r.qa.validation!, eventsChecked: checked, messagesWithViolations: bad },
    defect_rate: bad / checked,
  },
});
const qaLine = (x: DefineEventsResult) =>
  formatDefineEvents(x)
    .split('\n')
    .find((l) => l.startsWith('QA: '));

describe("the terminal's QA line", () => {
  it('keeps three significant digits below 0.01%: 1 message in 23,053', () => {
    expect(qaLine(withDefects(1, 23053))).toBe(
      'QA: 23053 captured messages checked, 1 with violations (0.00434%).',
    );
  });

  it('prints two decimals otherwise, none included', () => {
    expect(qaLine(withDefects(3, 200))).toBe('QA: 200 captured messages checked, 3 with violations (1.50%).');
    expect(qaLine(withDefects(0, 200))).toBe('QA: 200 captured messages checked, 0 with violations (0.00%).');
  });
});
