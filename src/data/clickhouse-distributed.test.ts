import { expect, it } from 'vitest';
import { colocated, distributedTable } from './clickhouse-distributed.ts';
import type { Engine } from './engine.ts';

/** An engine whose system.tables holds one table with this DDL. */
const engineWith = (engine: string, ddl: string): Engine => ({
  dialect: 'clickhouse',
  exec: async () => undefined,
  query: async <T>() => [{ engine, create_table_query: ddl }] as T[],
  describe: async () => [],
  close: async () => undefined,
});

it('reads the cluster, local table and the columns of the sharding key', async () => {
  const t = await distributedTable(
    engineWith(
      'Distributed',
      `CREATE TABLE gtm.touches ( journey_id String,  ts Int64) ENGINE = Distributed('gtm_test', 'gtm', 'touches_local', cityHash64(replaceRegexpAll(lower(ifNull(toString(journey_id), '')), '^\\\\s+|\\\\s+$', '')))`,
    ),
    'touches',
    'gtm',
  );
  expect(t).toMatchObject({
    cluster: 'gtm_test',
    database: 'gtm',
    table: 'touches_local',
    keyColumns: ['journey_id'],
  });
  expect(colocated(t, ['journey_id'])).toBe(true);
  expect(colocated(t, ['user_id'])).toBe(false);
});

it('sees every column a key reads, quoted or not, and none in a random key', async () => {
  const two = await distributedTable(
    engineWith(
      'Distributed',
      'CREATE TABLE t (a String) ENGINE = Distributed(c, db, t_local, sipHash64("Attendee Email", account))',
    ),
    't',
  );
  expect(two?.keyColumns).toEqual(['Attendee Email', 'account']);
  expect(colocated(two, ['Attendee Email'])).toBe(false);
  const random = await distributedTable(
    engineWith('Distributed', 'CREATE TABLE t (a String) ENGINE = Distributed(c, db, t_local, rand())'),
    't',
  );
  expect(colocated(random, ['a'])).toBe(false);
  const none = await distributedTable(
    engineWith('Distributed', 'CREATE TABLE t (a String) ENGINE = Distributed(c, db, t_local)'),
    't',
  );
  expect(none?.shardingKey).toBeNull();
  expect(colocated(none, ['a'])).toBe(false);
});

it('treats a table that is not distributed as one shard', async () => {
  expect(
    await distributedTable(
      engineWith('MergeTree', 'CREATE TABLE t (a String) ENGINE = MergeTree ORDER BY a'),
      't',
    ),
  ).toBeNull();
  expect(colocated(null, ['a'])).toBe(true);
});
