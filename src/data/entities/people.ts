import { quoteIdent as ident } from '../sql-text.ts';
import { parseTimestampSql } from '../normalize/index.ts';
import type { EntitySpec } from './entity-spec.ts';
import { bookkeeping, col, dateOrderOf, idText, text } from './source-columns.ts';

/** People (leads and contacts) and the account each belongs to. */
export const people: EntitySpec = {
  name: 'people',
  description: 'people (leads, contacts) with their account, segment, persona and region',
  columns: ['person_id', 'account_id', 'created_at', 'segment', 'persona', 'region'],
  required: ['person_id', 'account_id'],
  oneOf: [],
  dedupe: { keys: ['person_id'] },
  select: (b) =>
    `SELECT *, CASE WHEN person_id IS NULL THEN 'person_id: missing' WHEN account_id IS NULL THEN 'account_id: missing' END AS _reject_reason
        FROM (SELECT ${bookkeeping(b)}, lower(${idText(b, 'person_id')}) AS person_id, ${idText(b, 'account_id')} AS account_id,
          ${parseTimestampSql(col(b, 'created_at'), dateOrderOf(b, 'created_at'))} AS created_at, ${text(b, 'segment')} AS segment,
          ${text(b, 'persona')} AS persona, ${text(b, 'region')} AS region FROM ${ident(b.rawTable)})`,
  emptySelect: () =>
    `SELECT NULL::VARCHAR AS person_id, NULL::VARCHAR AS account_id, NULL::TIMESTAMP AS created_at, NULL::VARCHAR AS segment, NULL::VARCHAR AS persona, NULL::VARCHAR AS region`,
};
