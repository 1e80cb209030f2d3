import path from 'node:path';
import { GtmError } from '../errors/index.ts';
import { quoteString } from './sql-text.ts';

/**
 * A DuckDB relation reading a file (or glob) by its extension, with types inferred: for ad-hoc
 * inputs given on the command line. Workspace sources go through `loadSource`, which also accounts
 * for every row.
 * @example fileRelationSql('touches.parquet') // read_parquet('touches.parquet')
 */
export function fileRelationSql(file: string): string {
  const ext = path.extname(file.replace(/\.gz$/, '')).toLowerCase();
  const reader =
    ext === '.parquet' || ext === '.pq'
      ? 'read_parquet'
      : ext === '.csv' || ext === '.tsv'
        ? 'read_csv_auto'
        : ext === '.ndjson' || ext === '.jsonl' || ext === '.json'
          ? 'read_json_auto'
          : null;
  if (!reader)
    throw new GtmError('INPUT', `cannot tell the format of "${path.basename(file)}"`, {
      where: file,
      hint: 'use a .parquet, .csv or .ndjson file',
    });
  return `${reader}(${quoteString(file)})`;
}
