/**
 * A connection URL refused by a flag check is quoted back without its secrets: the password of its
 * user-info and the credential parameters of its query (`password=`, ClickHouse's
 * `http_header_X-ClickHouse-Key=`) read `***` in the one error line, on every command that takes one.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const cases: [string, string[]][] = [
  ['engine load --clickhouse', ['engine', 'load', '--clickhouse', 'ch://gtm:s3cret@h:9000/?password=s3cret']],
  ['attribute --clickhouse', ['attribute', '--touchpoints', 't', '--clickhouse', 'tcp://gtm:s3cret@h/db']],
  [
    'experiment-readout --clickhouse',
    [
      'experiment-readout',
      '--exposures',
      't',
      '--clickhouse',
      'ftp://h/?http_header_X-ClickHouse-Key=s3cret',
    ],
  ],
  ['mcp --allow-clickhouse', ['mcp', '--allow-clickhouse', 'clickhouse://gtm:s3cret@h:9000']],
];

describe('URLs quoted in flag errors', () => {
  it.each(cases)('%s: one USAGE line, the secrets masked', async (_name, argv) => {
    const r = await runCli(argv, { cwd: os.tmpdir() });
    expect(r.code).toBe(2);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^error\[USAGE\] --(clickhouse|allow-clickhouse): .*\*\*\*/);
    expect(r.stderr + r.stdout).not.toContain('s3cret');
  });
});
