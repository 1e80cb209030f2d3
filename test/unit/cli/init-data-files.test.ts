/**
 * `gtm init` beside a user's exports names them and says what to do with them: the starter's
 * sources read data/opportunities.csv and data/touchpoints/*.csv, and the message used to say only
 * "Edit sources and campaigns", so the first hint that the files were not read came from gtm doctor.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNextStep } from '../../../src/cli/commands/init.ts';
import { runCli } from '../../helpers/run-cli.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'gtm-init-files-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('gtm init: the data files beside gtm.yaml', () => {
  it('names them (not those below, not other files) and what to do with them', async () => {
    const dir = path.join(root, 'exports');
    await mkdir(path.join(dir, 'old'), { recursive: true });
    for (const f of [
      'hubspot-deals.csv',
      'ga4-export.csv',
      'pos-ledger.TSV',
      'events.ndjson',
      'notes.docx',
      '.hidden.csv',
      'package.json',
      'tsconfig.build.json',
    ])
      await writeFile(path.join(dir, f), 'a,b\n1,2\n');
    await writeFile(path.join(dir, 'old', 'deals-2025.csv'), 'a\n1\n');
    const r = await runCli(['init', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({
      written: path.join(dir, 'gtm.yaml'),
      data_files: ['events.ndjson', 'ga4-export.csv', 'hubspot-deals.csv', 'pos-ledger.TSV'],
    });
    const human = await runCli(['init', '--force', '--no-json'], { cwd: dir });
    expect(human.stdout.trim()).toBe(
      "Wrote gtm.yaml. Data files here: events.ndjson, ga4-export.csv, hubspot-deals.csv, pos-ledger.TSV. The starter's sources read data/opportunities.csv and data/touchpoints/*.csv: point each source's path at your files, map your column names under its mapping (canonical: yours), edit campaigns, then run `gtm doctor`.",
    );
  });

  it('without data files: the message as before; more than 8: the count of the rest', () => {
    expect(initNextStep([])).toBe('Edit sources and campaigns, then run `gtm doctor`.');
    const many = Array.from({ length: 11 }, (_, i) => `f${i}.csv`);
    expect(initNextStep(many)).toContain('f6.csv, f7.csv, and 3 more.');
  });
});
