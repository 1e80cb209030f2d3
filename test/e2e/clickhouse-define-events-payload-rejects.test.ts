/**
 * A captured payload line that is not JSON stops define-events on ClickHouse as it stops
 * define-events on the files. On DuckDB (the files) the run stops at the first such line in the
 * order the files are read: INPUT, exit 4, `file:line` and the parser's message. `gtm engine load`
 * rejects those lines, and before, define-events on ClickHouse validated what was loaded and ended
 * with exit 0 without naming them: one input, two verdicts.
 *
 * By hand: the payload folder holds `web/day1.ndjson` (3 lines, line 2 cut short) and
 * `web-eu.ndjson` (2 lines, line 1 with a trailing comma). The reader walks folders in name order,
 * a folder where its name sorts, so `web/` comes before `web-eu.ndjson` (while `web-eu.ndjson` sorts
 * before `web/day1.ndjson` as a path): the first rejected line is web/day1.ndjson:2. The load reads
 * 5 lines: 3 messages loaded, 2 lines rejected. Once both lines are fixed and the payloads loaded
 * again, both engines check the same 5 messages.
 *
 * Skipped (with the reason) when no clickhouse-server is installed.
 */
import { appendFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLICKHOUSE_CONFIG, describeOnClickHouse, loadOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli, type CliRun } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: members, entity: members, kind: file, path: data/members.csv }
events: { payloads: data/events }
`;
const DATABASE = 'payload_rejects';

const msg = (event: string, userId: string, messageId: string) =>
  JSON.stringify({
    type: 'track',
    event,
    userId,
    messageId,
    timestamp: '2026-11-10T10:00:00.000Z',
    properties: { opportunity_id: `o-${messageId}` },
  });
const cut = (line: string) => line.slice(0, -1); // the closing brace lost
const comma = (line: string) => `${line.slice(0, -1)},}`;

const DAY1 = [
  msg('Opportunity Created', 'u1', 'm1'),
  msg('Opportunity Created', 'u2', 'm2'),
  msg('Opportunity Created', 'u3', 'm3'),
];
const EU = [msg('Opportunity Created', 'u4', 'm4'), msg('Opportunity Created', 'u5', 'm5')];
const nd = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

const ARGV = [
  'define-events',
  '--use-case',
  'pipeline velocity',
  '--sources',
  'product,crm',
  '--tools',
  'Segment',
  '--as-of',
  '2026-11-15',
  '--no-snapshot',
];

/** What the comparison reads of a run: exit code and its error line up to the hint. */
function outcome(run: CliRun) {
  const error = run.stderrLines.find((l) => l.startsWith('error'));
  return { code: run.code, error: error?.replace(/ — .*$/, '') ?? null };
}

describeOnClickHouse(
  'define-events: a payload line rejected at load stops the run on ClickHouse too',
  (ch) => {
    let dir: string;
    const run = (config?: string) => runCli([...ARGV, ...(config ? ['--config', config] : [])], { cwd: dir });
    const load = () =>
      runCli(
        [
          'engine',
          'load',
          '--clickhouse',
          ch.url,
          '--database',
          DATABASE,
          '--replace',
          '--source',
          'event_payloads',
          '--json',
        ],
        { cwd: dir },
      );

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'gtm-ch-payload-rejects-'));
      await mkdir(path.join(dir, 'data/events/web'), { recursive: true });
      await writeFile(path.join(dir, 'gtm.yaml'), YAML);
      await writeFile(path.join(dir, 'data/members.csv'), 'member_id,enrolled_at,tier\nK1,2026-01-05,Gold\n');
      await writeFile(path.join(dir, 'data/events/web/day1.ndjson'), nd([DAY1[0], cut(DAY1[1]), DAY1[2]]));
      await writeFile(path.join(dir, 'data/events/web-eu.ndjson'), nd([comma(EU[0]), EU[1]]));
      await loadOnClickHouse(dir, ch.url, DATABASE, YAML);
    }, 120_000);
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('gives the error, line and exit code of the run on the files (by hand: web/day1.ndjson:2, exit 4)', async () => {
      const loaded = await load();
      expect(loaded.code, loaded.stderr).toBe(0);
      const table = loaded
        .json<{ tables: { source: string; rows: { read: number; loaded: number; rejected: number } }[] }>()
        .tables.find((t) => t.source === 'event_payloads');
      expect(table?.rows).toMatchObject({ read: 5, loaded: 3, rejected: 2 });

      const duck = await run();
      const click = await run(CLICKHOUSE_CONFIG);
      const file = path.join(dir, 'data/events/web/day1.ndjson');
      // the parser's own message for the line, computed apart
      let parserMessage = '';
      try {
        JSON.parse(cut(DAY1[1]));
      } catch (err) {
        parserMessage = (err as Error).message;
      }
      expect(outcome(duck)).toEqual({
        code: 4,
        error: `error[INPUT] ${file}:2: line is not valid JSON (${parserMessage})`,
      });
      expect(outcome(click)).toEqual(outcome(duck));
      // what to do on ClickHouse: fix the line, then load the payloads again
      expect(click.stderrLines.find((l) => l.startsWith('error'))).toContain(
        'fix or remove the line (and the 1 other rejected lines), then load the payloads again: gtm engine load --source event_payloads --replace',
      );
    }, 180_000);

    it('checks the same messages on both engines once the lines are fixed and loaded again', async () => {
      await writeFile(path.join(dir, 'data/events/web/day1.ndjson'), nd(DAY1));
      await writeFile(path.join(dir, 'data/events/web-eu.ndjson'), nd(EU));
      const loaded = await load();
      expect(loaded.code, loaded.stderr).toBe(0);
      const validation = (r: CliRun) => {
        expect(r.code, r.stderr).toBe(0);
        return r.json<{ qa: { validation: { messagesRead: number; eventsChecked: number } } }>().qa
          .validation;
      };
      const duck = validation(await run());
      const click = validation(await run(CLICKHOUSE_CONFIG));
      expect(duck.messagesRead).toBe(5);
      expect(duck.eventsChecked).toBe(5);
      expect(click).toEqual(duck);
    }, 180_000);

    it('warns when the collector appended to a loaded file or started a new one since the load, stops when a loaded file was rewritten; a reload reads them', async () => {
      const eu = path.join(dir, 'data/events/web-eu.ndjson');
      const validation = (r: CliRun) => {
        expect(r.code, r.stderr).toBe(0);
        return r.json<{ qa: { validation: { messagesRead: number } } }>().qa.validation;
      };
      const warning = (r: CliRun) => r.stderrLines.filter((l) => l.includes('events.payloads: since'));
      // the same bytes with a new modification time: hashed, unchanged, no warning
      const later = new Date(Date.now() + 5_000);
      await utimes(eu, later, later);
      const touched = await run(CLICKHOUSE_CONFIG);
      expect(validation(touched).messagesRead).toBe(5);
      expect(warning(touched)).toEqual([]);

      // one message appended, as the collector appends: the run validates the 5 loaded messages
      // and says so (the file's first bytes are the loaded file's), with how to include the new one
      const m6 = msg('Opportunity Created', 'u6', 'm6');
      await appendFile(eu, nd([m6]));
      const appended = await run(CLICKHOUSE_CONFIG);
      expect(validation(appended).messagesRead).toBe(5);
      expect(warning(appended)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warning: events\\.payloads: since gtm engine load read it into table event_payloads \\(.*Z\\) 1 file grew \\(data/events/web-eu\\.ndjson \\+${Buffer.byteLength(m6) + 1} bytes\\): this run validates the 5 messages the load read, not those written since; to include them, load again \\(gtm engine load --source event_payloads --replace\\) or run on DuckDB, which reads the files$`,
          ),
        ),
      ]);
      expect(validation(await run()).messagesRead).toBe(6);
      expect((await load()).code).toBe(0);
      expect(validation(await run(CLICKHOUSE_CONFIG))).toEqual(validation(await run()));

      // a loaded file rewritten in place (its loaded bytes changed): the table is not the file's
      const before = Buffer.byteLength(nd(EU)) + Buffer.byteLength(m6) + 1;
      await writeFile(eu, nd(EU));
      const rewritten = await run(CLICKHOUSE_CONFIG);
      expect(rewritten.code, rewritten.stderr).toBe(4);
      expect(rewritten.stderrLines[0]).toMatch(
        new RegExp(
          `^error\\[INPUT\\] events\\.payloads: data/events/web-eu\\.ndjson changed since gtm engine load read it into table event_payloads \\(.*Z; ${before} bytes then, ${Buffer.byteLength(nd(EU))} now\\): the table's rows and rejected lines are the old file's — load it again: gtm engine load --source event_payloads --replace`,
        ),
      );
      expect((await load()).code).toBe(0);

      // a file the collector started after the load (web/day2.ndjson): not in the table, said
      await writeFile(
        path.join(dir, 'data/events/web/day2.ndjson'),
        nd([msg('Opportunity Created', 'u7', 'm7')]),
      );
      const added = await run(CLICKHOUSE_CONFIG);
      expect(validation(added).messagesRead).toBe(5);
      expect(warning(added)).toEqual([
        expect.stringMatching(
          /^warning: events\.payloads: since gtm engine load read it into table event_payloads \(.*Z\) 1 file came into it \(data\/events\/web\/day2\.ndjson\): this run validates the 5 messages the load read/,
        ),
      ]);
      expect((await load()).code).toBe(0);
      const duck = validation(await run());
      expect(duck.messagesRead).toBe(6);
      expect(validation(await run(CLICKHOUSE_CONFIG))).toEqual(duck);
    }, 240_000);
  },
);
