/**
 * define-events --constraints takes the regulations it enforces (GDPR, CCPA, HIPAA, COPPA, any case,
 * comma-separated or repeated). Any other value is one USAGE line naming the flag and the accepted
 * values (exit 2): it was only "noted" (`--constraints GDPR2026` ran without the GDPR rules, its
 * only trace an "other constraints noted" line in the dashboard), unless it was within two edits of
 * a regulation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gtm-constraints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...constraints: string[]) =>
  runCli(
    [
      'define-events',
      '--use-case',
      'pipeline velocity',
      '--sources',
      'product,crm',
      ...constraints.flatMap((c) => ['--constraints', c]),
      '--as-of',
      '2026-11-15',
      '--json',
    ],
    { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } },
  );

const ACCEPTED =
  'accepted: GDPR, CCPA, HIPAA, COPPA (any case, comma-separated); other policies (retention, consent) go under events.governance in gtm.yaml';

describe('define-events --constraints', () => {
  it.each([
    ['GDPR2026', `error[USAGE] --constraints: unknown constraint "GDPR2026" — ${ACCEPTED}`],
    ['GDPR,SOC2', `error[USAGE] --constraints: unknown constraint "SOC2" — ${ACCEPTED}`],
    ['GPDR', `error[USAGE] --constraints: unknown constraint "GPDR" — did you mean GDPR? ${ACCEPTED}`],
  ])('refuses %s with one line naming the flag and the accepted values', async (value, line) => {
    const r = await run(value);
    expect(r.code).toBe(2);
    expect(r.stderrLines).toEqual([line]);
  });

  it('reads the documented forms: a list in any case, and repeats', async () => {
    const r = await run('gdpr,CCPA', 'Hipaa');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<{ inputs: { constraints: { regulations: string[]; notes: string[] } } }>();
    expect(out.inputs.constraints).toEqual({ regulations: ['GDPR', 'CCPA', 'HIPAA'], notes: [] });
  }, 120_000);
});
