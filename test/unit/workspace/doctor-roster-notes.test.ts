/**
 * `gtm doctor`'s roster notes: a workspace that feeds only monitor-loyalty (or another monitoring
 * command) was told "roster has no role co_marketing_analytics_lead: actions and escalations for it
 * will be unassigned", and the same of revops_finance and exec_sponsor — track-source's default
 * roles, in a workspace that never runs track-source (found by the s18 new-user review). The note
 * now comes only for a workspace that feeds track-source without `escalation.track-source`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../../src/commands/doctor/run-doctor.ts';
import { loadWorkspace } from '../../../src/workspace/index.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function notesOf(sources: string, roster: string): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gtm-doctor-roster-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'members.csv'), 'member_id,enrolled_at\nM1,2026-01-01\n');
  writeFileSync(
    path.join(dir, 'opps.csv'),
    'opportunity_id,account_id,created_at,stage,amount\nO1,A1,2026-01-01,won,10\n',
  );
  writeFileSync(
    path.join(dir, 'gtm.yaml'),
    `version: 1\nsources:\n${sources}\nroster:\n  roles:\n${roster}\n`,
  );
  return (await runDoctor(loadWorkspace({ cwd: dir }))).notes;
}

const MEMBERS = '  - { name: members, entity: members, kind: file, path: members.csv }';
const OPPS = '  - { name: crm, entity: opportunities, kind: file, path: opps.csv }';
const LOYALTY_TEAM = '    member_insights_analyst: { people: [{ name: Ines }] }';

describe('doctor: roster notes', () => {
  it('a loyalty-only workspace hears nothing of track-source’s roles', async () => {
    expect((await notesOf(MEMBERS, LOYALTY_TEAM)).join('\n')).not.toMatch(
      /co_marketing_analytics_lead|revops_finance|exec_sponsor/,
    );
  });

  it('a workspace feeding track-source is told which of its ladder’s roles are missing, and the fix', async () => {
    const notes = await notesOf(OPPS, '    revops_finance: { people: [{ name: Marcus }] }');
    expect(notes).toContain(
      "roster has no role co_marketing_analytics_lead, track-source's first escalation role: its work, alerts and escalations will have no owner (add roster.roles.co_marketing_analytics_lead, or set escalation.track-source)",
    );
    expect(notes).toContain(
      "roster has no role exec_sponsor (track-source's escalation ladder): escalations to it will have no owner (add roster.roles.exec_sponsor, or set escalation.track-source)",
    );
    expect(notes.join('\n')).not.toMatch(/revops_finance/);
  });
});
