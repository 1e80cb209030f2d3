/**
 * monitor-personalization's change-approval check on a change log that records a change when it
 * goes live and again once it is approved (the same rule, live time and author; the approver and
 * approval time filled in on the second record). Both records are kept by the dedupe (the approval
 * columns are among its keys) and the check takes the change's approval from them: c1 is approved
 * by bo before it went live, so no finding and nothing pending. Before, the dedupe kept the first,
 * unapproved record and dropped the approval: a high "no approver" finding and a pending approval
 * for an approved change (the s10 review's persA). c2, logged once without an approver, is still
 * "no approver"; c3, approved twice, takes the earlier approval. ClickHouse 18.16 gives the same
 * when a server is installed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/run-cli.ts';
import { describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';

const YAML = `version: 1
sources:
  - { name: decisions, entity: decisions, kind: file, path: data/decisions.csv }
  - { name: outcomes, entity: outcomes, kind: file, path: data/outcomes.csv }
  - { name: changes, entity: rule_changes, kind: file, path: data/changes.csv,
      mapping: { change_id: id, rule_id: rule, changed_at: live_at, author: author, change: what, approved_by: approver, approved_at: approved_at } }
personalization:
  initiatives: [Onb]
  holdout_variants: [hold]
  events: { engagement: [use], conversion: [buy] }
output: { snapshot: never }
`;

const DECISIONS = `decision_id,user_id,decided_at,initiative,rule_id,variant,reason
d1,u1,2026-11-20T10:00:00Z,Onb,r1,v1,TARGETING_MATCH
d2,u2,2026-11-21T10:00:00Z,Onb,r1,hold,SPLIT
d3,u3,2026-11-22T10:00:00Z,Onb,r2,v1,TARGETING_MATCH
`;
const OUTCOMES = `outcome_id,user_id,occurred_at,event
o1,u1,2026-11-20T12:00:00Z,buy
`;
/** c1 logged live, then approved; c2 never approved; c3 approved by two people. */
const CHANGES = `id,rule,live_at,author,what,approver,approved_at
c1,r1,2026-11-12T09:00:00Z,ana,"new copy
two lines",,
c1,r1,2026-11-12T09:00:00Z,ana,"new copy
two lines",bo,2026-11-12T08:00:00Z
c2,r2,2026-11-14T09:00:00Z,ana,threshold,,
c3,r2,2026-11-16T09:00:00Z,cy,audience,dee,2026-11-16T10:00:00Z
c3,r2,2026-11-16T09:00:00Z,cy,audience,bo,2026-11-16T08:30:00Z
`;

const root = mkdtempSync(path.join(tmpdir(), 'gtm-mp-approval-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
  const files: Record<string, string> = {
    'decisions.csv': DECISIONS,
    'outcomes.csv': OUTCOMES,
    'changes.csv': CHANGES,
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, 'data', f), text);
  return dir;
}

const MP = ['monitor-personalization', '--window', '30d', '--as-of', '2026-11-30', '--json'];

interface Change {
  change_id: string;
  approved_by: string | null;
  approval_ts: string | null;
  problems: string[];
}
interface Result {
  row_accounting: { source: string; rows_in: number; accepted: number; deduplicated: number }[];
  governance: {
    approvals: { changes: Change[]; pending_approvals: { change_id: string }[]; findings: { id: string }[] };
  };
}

async function run(dir: string, extra: string[] = []): Promise<{ cli: CliRun; result: Result }> {
  const cli = await runCli([...MP, ...extra], { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } });
  expect(cli.code, cli.stderr).toBe(0);
  return { cli, result: cli.json<Result>() };
}

const approvals = (r: Result) =>
  r.governance.approvals.changes.map((c) => ({
    id: c.change_id,
    by: c.approved_by,
    at: c.approval_ts,
    problems: c.problems,
  }));

const EXPECTED = [
  { id: 'c1', by: 'bo', at: '2026-11-12T08:00:00Z', problems: [] },
  { id: 'c2', by: null, at: null, problems: ['no-approver'] },
  { id: 'c3', by: 'bo', at: '2026-11-16T08:30:00Z', problems: [] },
];

describe('a change logged live, then again approved (monitor-personalization)', () => {
  let out: { cli: CliRun; result: Result };
  beforeAll(async () => {
    out = await run(workspace('duck'));
  });

  it('keeps every record and reviews each change once, with its approval', () => {
    expect(out.result.row_accounting.find((a) => a.source === 'changes')).toMatchObject({
      rows_in: 5,
      accepted: 5,
      deduplicated: 0,
    });
    expect(approvals(out.result)).toEqual(EXPECTED);
    expect(out.result.governance.approvals.pending_approvals.map((p) => p.change_id)).toEqual(['c2']);
    expect(out.result.governance.approvals.findings.map((f) => f.id)).toEqual([
      'change-approval:change=c2,rule=r2',
    ]);
  });
});

describeOnClickHouse('the same on ClickHouse 18.16', (ch) => {
  it("reviews the same changes from the server's tables", async () => {
    const dir = workspace('ch');
    await loadOnClickHouse(dir, ch.url, 'mp_appr', YAML);
    const onCh = await run(dir, ['--config', 'gtm.clickhouse.yaml']);
    expect(approvals(onCh.result)).toEqual(EXPECTED);
    expect(onCh.result.governance.approvals.pending_approvals.map((p) => p.change_id)).toEqual(['c2']);
  }, 180_000);
});
