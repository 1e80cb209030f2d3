/**
 * define-events --sources: a misspelt source system is one USAGE line naming the flag, the source
 * it was probably meant to be (as --tools and --constraints already said) and every accepted value;
 * `gtm define-events --help` lists the same values (it left out `other`, which the flag accepts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gtm-sources-flag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (sources: string) =>
  runCli(['define-events', '--use-case', 'pipeline velocity', '--sources', sources, '--json'], {
    cwd: dir,
    env: { ...process.env, GTM_SNAPSHOT: 'never' },
  });

const ACCEPTED = 'use any of: product, web, mobile, server, crm, map, billing, other';

describe('define-events --sources', () => {
  it.each([
    ['prodct', `error[USAGE] --sources: unknown source "prodct" — did you mean product? ${ACCEPTED}`],
    ['product,crn', `error[USAGE] --sources: unknown source "crn" — did you mean crm? ${ACCEPTED}`],
    ['hubspt', `error[USAGE] --sources: unknown source "hubspt" — did you mean hubspot? ${ACCEPTED}`],
    ['warehouse', `error[USAGE] --sources: unknown source "warehouse" — ${ACCEPTED}`],
  ])('refuses %s with one line: the flag, did you mean, the accepted values', async (value, line) => {
    const r = await run(value);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderrLines).toEqual([line]);
  });

  it('--help lists every accepted source', async () => {
    const r = await runCli(['define-events', '--help'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /--sources LIST +source systems: product, web, mobile, server, crm, map, billing, other\n/,
    );
  });
});
