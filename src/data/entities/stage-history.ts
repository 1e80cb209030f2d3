import { quoteIdent as ident } from '../sql-text.ts';
import { parseTimestampSql, valueMapSql } from '../normalize/index.ts';
import { timestampHintSql } from '../normalize/parse-sql.ts';
import type { EntitySpec } from './entity-spec.ts';
import { bookkeeping, col, dateOrderOf, idText, text } from './source-columns.ts';

/** Stage changes of opportunities, for funnel drop-off and velocity. */
export const stageHistory: EntitySpec = {
  name: 'stage_history',
  description: 'stage changes of opportunities (opportunity, stage, changed at)',
  columns: ['opportunity_id', 'stage', 'changed_at'],
  required: ['opportunity_id', 'stage', 'changed_at'],
  oneOf: [],
  dedupe: { keys: ['opportunity_id', 'stage', 'changed_at'] },
  select: (b, s) =>
    `SELECT *, CASE WHEN opportunity_id IS NULL THEN 'opportunity_id: missing'
             WHEN changed_at IS NULL THEN 'changed_at: cannot read ' || COALESCE(_changed_raw, '(empty)') || ' as a timestamp' || ${timestampHintSql('_changed_raw', dateOrderOf(b, 'changed_at'))}
             WHEN stage IS NULL THEN 'stage: ' || COALESCE(stage_raw, '(empty)') || ' is not mapped; add it under funnel.mapping' END AS _reject_reason
        FROM (SELECT ${bookkeeping(b)}, ${idText(b, 'opportunity_id')} AS opportunity_id, ${text(b, 'stage')} AS stage_raw,
          ${valueMapSql(col(b, 'stage'), s.stageMapping, 'null')} AS stage,
          ${parseTimestampSql(col(b, 'changed_at'), dateOrderOf(b, 'changed_at'))} AS changed_at, ${text(b, 'changed_at')} AS _changed_raw FROM ${ident(b.rawTable)})`,
  emptySelect: () =>
    `SELECT NULL::VARCHAR AS opportunity_id, NULL::VARCHAR AS stage, NULL::TIMESTAMP AS changed_at`,
};
