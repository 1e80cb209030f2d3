/**
 * `gtm init --command CMD` starts a workspace for optimize-referrals, monitor-loyalty or
 * monitor-personalization: a source per entity at data/<entity>.csv with the entity's columns
 * (from the entity registry) and the command's settings with their defaults, commented. The config
 * loads; gtm doctor names the missing files; once files with those headers exist, doctor passes and
 * the command runs. Before, `gtm init` wrote only the track-source starter.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitySpec } from '../../../src/data/entities/registry.ts';
import { loadWorkspace } from '../../../src/workspace/index.ts';
import { runCli } from '../../helpers/run-cli.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-init-command-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** One row per entity the personalization run needs, so its window is not empty. */
const ROWS: Record<string, Record<string, string>> = {
  decisions: {
    user_id: 'U1',
    decided_at: '2026-11-29T10:00:00Z',
    rule_id: 'hero',
    variant: 'a',
    initiative: 'PLG',
  },
};

describe.each(['optimize-referrals', 'monitor-loyalty', 'monitor-personalization'])(
  'gtm init --command %s',
  (cmd) => {
    it('writes a config that loads, that doctor checks, and that runs once the files exist', async () => {
      const dir = path.join(root, cmd);
      const init = await runCli(['init', '--command', cmd, '--json'], { cwd: dir });
      expect(init.code).toBe(0);
      expect(init.json()).toMatchObject({ command: cmd });
      const yaml = await readFile(path.join(dir, 'gtm.yaml'), 'utf8');
      expect(yaml).toContain('# Experiments: add sources of the shared entities experiments');
      const ws = loadWorkspace({ cwd: dir });
      expect(ws.sources.length).toBeGreaterThan(3);
      const missing = await runCli(['doctor', '--json'], { cwd: dir });
      expect(missing.json()).toMatchObject({ ok: false });

      await mkdir(path.join(dir, 'data'));
      for (const s of ws.sources) {
        const spec = entitySpec(s.entity)!;
        expect(yaml).toContain(`path: data/${s.entity}.csv`);
        for (const c of spec.required) expect(yaml).toContain(`${c}*`);
        const row = ROWS[s.entity];
        const body = row ? `\n${spec.columns.map((c) => row[c] ?? '').join(',')}` : '';
        await writeFile(path.join(dir, `data/${s.entity}.csv`), `${spec.columns.join(',')}${body}\n`);
      }
      expect((await runCli(['doctor', '--json'], { cwd: dir })).json()).toMatchObject({ ok: true });
      const run = await runCli([cmd, '--as-of', '2026-11-30', '--json'], { cwd: dir });
      expect(run.stderr).not.toMatch(/error\[/);
      expect(run.code).toBe(0);
    }, 120_000);
  },
);

describe.each([
  ['optimize-referrals', 'referrals'],
  ['monitor-loyalty', 'loyalty'],
  ['monitor-personalization', 'personalization'],
])('gtm init --command %s: its settings', (cmd, section) => {
  // a default of null was written as `key: null`, which the schema refused once uncommented
  // (loyalty.segments.never_redeemed_min_points, personalization.freshness.consent_records and
  // rule_changes: "must be a number" / "must be a mapping")
  it('load once uncommented, with the defaults they show', async () => {
    const dir = path.join(root, `${cmd}-settings`);
    expect((await runCli(['init', '--command', cmd], { cwd: dir })).code).toBe(0);
    const yaml = await readFile(path.join(dir, 'gtm.yaml'), 'utf8');
    const settings = yaml.slice(yaml.indexOf(`# ${section}:`));
    expect(settings.length).toBeGreaterThan(0);
    await writeFile(
      path.join(dir, 'gtm.yaml'),
      yaml.replace(settings, settings.replace(/^# (?=[a-z ])/gm, '')),
    );
    const uncommented = loadWorkspace({ cwd: dir });
    await writeFile(path.join(dir, 'gtm.yaml'), yaml);
    const defaults = loadWorkspace({ cwd: dir });
    const key = section as 'referrals' | 'loyalty' | 'personalization';
    expect(uncommented[key]).toEqual(defaults[key]);
  });
});

describe('gtm init --command define-events', () => {
  // it was refused (--command: not one of track-source, optimize-referrals, …); define-events reads
  // no source, and a gtm.yaml had to list one (sources: [] was "an empty list")
  it('writes a config without sources that doctor passes and the usage line runs on', async () => {
    const dir = path.join(root, 'define-events');
    const init = await runCli(['init', '--command', 'define-events', '--json'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.json()).toMatchObject({ command: 'define-events' });
    expect(loadWorkspace({ cwd: dir }).sources).toEqual([]);
    expect((await runCli(['doctor', '--json'], { cwd: dir })).json()).toMatchObject({ ok: true });
    // on a terminal: no empty table and no "All sources readable." of sources it has not got
    const doctor = await runCli(['doctor'], { cwd: dir, tty: true });
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toContain('No sources to check (sources: []): define-events reads none;');
    expect(doctor.stdout).not.toMatch(/All sources readable|status/);
    const line =
      '/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"';
    const run = await runCli(['run', line, '--as-of', '2026-11-30', '--json'], { cwd: dir });
    expect(run.stderr).not.toMatch(/error\[/);
    expect(run.code).toBe(0);
  }, 120_000);

  it('its commented settings load once uncommented', async () => {
    const dir = path.join(root, 'define-events-settings');
    expect((await runCli(['init', '--command', 'define-events'], { cwd: dir })).code).toBe(0);
    const yaml = await readFile(path.join(dir, 'gtm.yaml'), 'utf8');
    const settings = yaml.slice(yaml.indexOf('# events:'));
    const uncommented = yaml.replace(settings, settings.replace(/^# (?=[a-z ])/gm, ''));
    await writeFile(path.join(dir, 'gtm.yaml'), uncommented);
    const ws = loadWorkspace({ cwd: dir });
    expect(ws.events.payloads).toBe('data/events/captured.ndjson');
    expect(ws.escalation['define-events']).toEqual([
      'analytics_data_strategist',
      'data_engineering_lead',
      'revops',
    ]);
  });
});

describe('gtm init', () => {
  it('keeps the track-source starter as the default', async () => {
    const dir = path.join(root, 'default');
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    expect(await readFile(path.join(dir, 'gtm.yaml'), 'utf8')).toContain('entity: opportunities');
  });
});
