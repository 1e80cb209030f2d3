/**
 * `gtm engine load`: the tables on the servers, for every kind of load (sources, event payloads):
 * created (an existing one replaced only with --replace) and their rows counted back.
 */
import { quoteIdent, quoteString, type ClickHouseEngine } from '../../data/index.ts';
import { GtmError } from '../../errors/index.ts';

/**
 * Drops (with --replace) the named tables where they exist and runs the create statements, on every
 * server; an existing table without --replace is a USAGE error naming `where`.
 */
export async function createTables(
  servers: readonly ClickHouseEngine[],
  names: readonly string[],
  statements: readonly string[],
  s: { database: string; replace: boolean },
  where: string,
): Promise<void> {
  for (const server of servers) {
    for (const name of names) {
      const [hit] = await server.query<{ n: number }>(
        `SELECT count() AS n FROM system.tables WHERE database = ${quoteString(s.database, 'clickhouse')} AND name = ${quoteString(name, 'clickhouse')}`,
      );
      if (Number(hit?.n ?? 0) === 0) continue;
      if (!s.replace)
        throw new GtmError('USAGE', `table ${s.database}.${name} already exists`, {
          where,
          hint: 'add --replace to drop and reload it, or load into another --database',
        });
      await server.exec(`DROP TABLE ${qualified(s.database, name)}`);
    }
    for (const statement of statements) await server.exec(statement);
  }
}

/** `database`.`table`, quoted for ClickHouse. */
export const qualified = (database: string, table: string) =>
  `${quoteIdent(database, 'clickhouse')}.${quoteIdent(table, 'clickhouse')}`;

/**
 * Row accounting: what ClickHouse holds is counted there, not assumed; a server that kept fewer
 * rows than were sent is an ENGINE error. With a `local` table (sharded under `table`), the
 * servers' local counts add up to the rows sent; without, each server holds them all.
 */
export async function countBack(
  servers: readonly ClickHouseEngine[],
  table: string,
  local: string | null,
  rows: number,
  database: string,
): Promise<{ perServer: number[]; inClickHouse: number }> {
  const counted = async (server: ClickHouseEngine, name: string) =>
    Number(
      (await server.query<{ n: number }>(`SELECT count() AS n FROM ${qualified(database, name)}`))[0]?.n ?? 0,
    );
  const perServer: number[] = [];
  for (const server of servers) perServer.push(await counted(server, local ?? table));
  const inClickHouse = local ? await counted(servers[0], table) : perServer[0];
  const shortfall = local
    ? perServer.reduce((a, b) => a + b, 0) !== rows || inClickHouse !== rows
    : perServer.some((n) => n !== rows);
  if (shortfall)
    throw new GtmError(
      'ENGINE',
      `${table}: ClickHouse holds ${perServer.join(' + ')} rows of the ${rows} sent`,
      {
        where: `${database}.${table}`,
        hint: 'a server dropped rows (disk full, or a shard unreachable from the first server?); fix it and reload with --replace',
      },
    );
  return { perServer, inClickHouse };
}
