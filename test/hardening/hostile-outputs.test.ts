/**
 * Hostile values in every output gtm writes from user data (issue 10, "every file writer" and
 * "one CSV writer"): a tracking plan whose names, descriptions, enums and tags start like
 * spreadsheet formulas or climb folders goes through every export, import and inference the CLI
 * has. Every CSV cell that starts like a formula is neutralised, gtm reads its own CSVs back to the
 * same values, every file lands inside its chosen folder, and the generated TypeScript still parses.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvent,
  createPlan,
  serializePlanDocument,
  type TrackingPlan,
} from '../../src/analyses/instrumentation/index.ts';
import { parseCsv } from '../../src/analyses/instrumentation/csv-table.ts';
import { importPlan } from '../../src/commands/events/index.ts';
import { csvCell, toCsv } from '../../src/data/csv-text.ts';
import { toCsvTable } from '../../src/report/csv-table.ts';
import { runCli } from '../helpers/run-cli.ts';

/** Cell starts that make a spreadsheet run a formula (OWASP), plus the apostrophe gtm escapes. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example","click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A9)',
  '\tindented',
  '\rcarriage',
  "'already quoted",
  '../../../../escape',
];
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function hostilePlan(): TrackingPlan {
  return createPlan({
    name: 'Hostile',
    events: HOSTILE.map((text, i) =>
      createEvent({
        name: i === 0 ? 'Order Completed' : `${text} ${i}`,
        description: text,
        owner: text,
        tags: [text],
        properties: [
          {
            name: `prop_${i}`,
            description: text,
            required: true,
            schema: { type: 'string', enum: [text, 'plain'] },
          },
        ],
      }),
    ),
  });
}

/** Every cell of a CSV text that starts like a formula and is not a number. */
const formulaCells = (csv: string) =>
  parseCsv(csv)
    .flat()
    .filter((c) => FORMULA.test(c) && !NUMBER.test(c));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gtm-hostile-'));
  await writeFile(path.join(dir, 'plan.json'), serializePlanDocument(hostilePlan(), 'json'));
  const messages = HOSTILE.map((text) =>
    JSON.stringify({ type: 'track', event: text, userId: 'u1', properties: { [text]: text, n: -5 } }),
  );
  await writeFile(path.join(dir, 'events.ndjson'), `${messages.join('\n')}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const gtm = async (...argv: string[]) => {
  const r = await runCli(argv, { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return r;
};

describe('CSV outputs neutralise formulas, and gtm reads its own CSVs back unchanged', () => {
  it.each([
    [
      'events export --format amplitude',
      ['events', 'export', '--format', 'amplitude', '--plan', 'plan.json', '--out', 'amp.csv'],
      'amp.csv',
    ],
    [
      'events export --format gtm-csv',
      ['events', 'export', '--format', 'gtm-csv', '--plan', 'plan.json', '--out', 'plan.csv'],
      'plan.csv',
    ],
    ['events import --out x.csv', ['events', 'import', 'plan.json', '--out', 'imported.csv'], 'imported.csv'],
    [
      'events infer --out x.csv',
      ['events', 'infer', '--input', 'events.ndjson', '--out', 'inferred.csv'],
      'inferred.csv',
    ],
  ])('%s', async (_name, argv, file) => {
    await gtm(...argv);
    const csv = await readFile(path.join(dir, file), 'utf8');
    expect(formulaCells(csv)).toEqual([]);
    // the hostile texts are there, behind one apostrophe
    expect(csv).toContain(`'=HYPERLINK(""http://evil.example""`);
  });

  it('an exported gtm CSV and Amplitude CSV import back to the same names, descriptions and enums', async () => {
    // Neutralisation must not change what gtm reads back. (Commas inside Amplitude enum values and
    // leading whitespace are format round-trip questions of their own, issue 16.)
    const original = hostilePlan();
    original.events = original.events.filter((e) => !/^\s|,/.test(e.description ?? ''));
    await writeFile(path.join(dir, 'plan.json'), serializePlanDocument(original, 'json'));
    for (const [format, file] of [
      ['gtm-csv', 'plan.csv'],
      ['amplitude', 'amp.csv'],
    ] as const) {
      await gtm('events', 'export', '--format', format, '--plan', 'plan.json', '--out', file);
      const back = importPlan({ path: path.join(dir, file), format });
      expect(back.events.map((e) => e.name)).toEqual(original.events.map((e) => e.name));
      expect(back.events.map((e) => e.description)).toEqual(original.events.map((e) => e.description));
      expect(back.events.map((e) => e.properties[0].schema.enum)).toEqual(
        original.events.map((e) => e.properties[0].schema.enum),
      );
    }
    await writeFile(path.join(dir, 'plan.json'), serializePlanDocument(hostilePlan(), 'json'));
  });

  it('the report and rejects writers follow the same rule', () => {
    for (const text of HOSTILE) {
      expect(FORMULA.test(csvCell(text).replace(/^"/, ''))).toBe(false);
      const table = toCsvTable([{ key: 'v', label: 'v' }], [{ v: text }]);
      expect(formulaCells(table)).toEqual([]);
      expect(formulaCells(toCsv([{ v: text }], ['v']))).toEqual([]);
    }
    // numbers, negative ones included, stay numbers
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('-12.5')).toBe('-12.5');
  });
});

describe('files land inside their chosen folder', () => {
  it.each(['iglu', 'json-schema'])('events export --format %s with hostile event names', async (format) => {
    const out = `export-${format}`;
    const r = await gtm('events', 'export', '--format', format, '--plan', 'plan.json', '--out', out);
    const files = r.json<{ files: string[] }>().files;
    expect(files.length).toBeGreaterThanOrEqual(HOSTILE.length); // one per event, plus any shared schema
    // inside --out, or the documented `<out>.losses.md` beside it (what the format could not carry)
    for (const f of files)
      expect(
        !path.relative(path.join(dir, out), f).startsWith('..') || f === path.join(dir, `${out}.losses.md`),
        f,
      ).toBe(true);
    // nothing appeared next to the working folder
    expect((await readdir(path.dirname(dir))).filter((n) => n === 'escape')).toEqual([]);
  });

  it('events codegen with hostile names writes one module that still parses', async () => {
    await gtm('events', 'codegen', '--plan', 'plan.json', '--out', 'gen');
    expect(await readdir(path.join(dir, 'gen'))).toEqual(['tracking.ts']);
    const code = await readFile(path.join(dir, 'gen', 'tracking.ts'), 'utf8');
    const out = ts.transpileModule(code, {
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022 },
    });
    expect(out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('events diff --changelog writes the one file it names', async () => {
    await writeFile(
      path.join(dir, 'empty.json'),
      serializePlanDocument(createPlan({ name: 'Hostile', events: [] }), 'json'),
    );
    await gtm('events', 'diff', 'empty.json', 'plan.json', '--changelog', 'notes/CHANGELOG.md');
    expect(await readdir(path.join(dir, 'notes'))).toEqual(['CHANGELOG.md']);
  });
});
