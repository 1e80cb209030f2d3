import type { CliCommand } from '../command.ts';
import { isHttpUrl, quotedUrl } from './url-flag-check.ts';

const URL_CHECK = (urls: string[]) => {
  const bad = urls.find((u) => !isHttpUrl(u.trim()));
  return bad === undefined ? undefined : `must be http:// or https:// URLs, got ${quotedUrl(bad)}`;
};

export const engineCommand: CliCommand = {
  name: 'engine',
  summary: 'Work with the scale-out engine: load the workspace sources into ClickHouse',
  usage: 'gtm engine load --clickhouse URL[,URL…] [--database DB] [--cluster NAME] [--json]',
  flags: [],
  subcommands: [
    {
      name: 'load',
      summary:
        'Create ClickHouse tables from the workspace sources and fill them (one server, or sharded over a cluster)',
      usage:
        'gtm engine load --clickhouse URL[,URL…] [--database DB] [--cluster NAME] [--source NAMES] [--shard-key SOURCE=COLUMN] [--user NAME] [--password env:VAR] [--replace] [--batch-rows N] [--json]',
      flags: [
        {
          name: 'clickhouse',
          type: 'list',
          placeholder: 'URL[,URL…]',
          example: 'http://127.0.0.1:8123',
          check: URL_CHECK,
          description:
            'ClickHouse HTTP URL; with --cluster, every server of the cluster (tables are created on each, rows go in through the first). Default: engine.url in gtm.yaml',
        },
        {
          name: 'database',
          type: 'string',
          placeholder: 'DB',
          example: 'gtm',
          description: 'database for the tables, created when missing (default: default)',
        },
        {
          name: 'cluster',
          type: 'string',
          placeholder: 'NAME',
          example: 'analytics',
          description:
            'cluster in the servers’ remote_servers: each keyed source becomes <name>_local (MergeTree) on every shard plus a Distributed table <name> sharded by its entity key; other sources are copied to every server',
        },
        {
          name: 'source',
          type: 'list',
          placeholder: 'NAMES',
          example: 'web_analytics',
          description: 'load only these sources (default: every source in gtm.yaml)',
        },
        {
          name: 'shard_key',
          type: 'list',
          placeholder: 'SOURCE=COLUMN',
          example: 'web_analytics=user_id',
          description: "shard a source by this column instead of its entity's key (person, member, user)",
        },
        {
          name: 'user',
          type: 'string',
          placeholder: 'NAME',
          description: 'ClickHouse user (default: default)',
        },
        {
          name: 'password',
          type: 'string',
          placeholder: 'env:VAR',
          example: 'env:CLICKHOUSE_PASSWORD',
          description: 'read the password from this environment variable',
        },
        { name: 'replace', type: 'boolean', description: 'drop and reload tables that already exist' },
        {
          name: 'batch_rows',
          type: 'integer',
          placeholder: 'N',
          min: 1000,
          max: 10_000_000,
          example: '100000',
          description: 'rows per insert (default 100000)',
        },
      ],
      examples: [
        'gtm engine load --clickhouse http://127.0.0.1:8123 --database gtm',
        'gtm engine load --clickhouse http://ch1:8123,http://ch2:8123 --cluster analytics --database gtm --password env:CLICKHOUSE_PASSWORD',
        'gtm engine load --clickhouse http://127.0.0.1:8123 --source web_analytics --replace --json',
      ],
      async run(args, ctx) {
        const f = args.flags;
        const { formatEngineLoad, runEngineLoad } = await import('../../commands/engine-load/index.ts');
        const result = await runEngineLoad({
          cwd: ctx.cwd,
          configPath: ctx.global.config,
          clickhouse: f.clickhouse as string[] | undefined,
          database: f.database as string | undefined,
          cluster: f.cluster as string | undefined,
          user: f.user as string | undefined,
          password: f.password as string | undefined,
          sources: f.source as string[] | undefined,
          shardKeys: f.shard_key as string[] | undefined,
          replace: f.replace as boolean | undefined,
          batchRows: f.batch_rows as number | undefined,
          env: ctx.env,
          onProgress: (m) => ctx.out.progress(m),
        });
        ctx.out.result(result, () => formatEngineLoad(result));
        return 0;
      },
    },
  ],
};
