/**
 * NDJSON and JSON files → one DuckDB table plus `source_file` and `source_row`.
 *
 * NDJSON: each line is checked here (JSON.parse, UTF-8, must be an object) because DuckDB's
 * `ignore_errors` skips bad lines without saying which. Good lines are copied to a scratch file
 * with their file index and line number spliced in as the first keys, and DuckDB's
 * `read_json_auto` reads that file, so type inference is DuckDB's and line numbers are exact.
 *
 * JSON: a file whose first character is `[` is an array of objects (one malformed byte makes the
 * whole file unreadable: INPUT error); anything else is read as NDJSON.
 */
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GtmError } from '../errors/index.ts';
import { assertNoReservedColumns, dataColumns } from './data-columns.ts';
import { duckDbMessage, type DuckDbEngine } from './duckdb-api.ts';
import { combineFingerprints, fingerprintLater } from './fingerprint.ts';
import { assertColumnNames, MAX_RAW_LENGTH } from './load-csv.ts';
import { manifestName, type ResolvedFiles } from './resolve-files.ts';
import { refuseBinary } from './sniff-binary.ts';
import type { FileSourceSpec, SourceLoad, SourceReject } from './source-spec.ts';
import { literal, quoteIdent } from './sql-text.ts';
import { dropTables, tempName } from './temp-table.ts';

const FILE_KEY = '__gtm_file_index';
const ROW_KEY = '__gtm_source_row';

/** Loads resolved `.json`/`.ndjson` files into `table` (replacing it). */
export async function loadJson(
  engine: DuckDbEngine,
  spec: FileSourceSpec,
  resolved: ResolvedFiles,
  table: string,
): Promise<SourceLoad> {
  for (const file of resolved.files) await refuseBinary(file, resolved.format === 'json' ? 'JSON' : 'NDJSON');
  const shapes = await Promise.all(resolved.files.map(firstByte));
  const arrays = shapes.filter((s) => s === '[').length;
  if (resolved.format === 'json' && arrays > 0) {
    if (arrays !== resolved.files.length) {
      throw new GtmError('INPUT', `sources.${spec.name} mixes JSON array files and NDJSON files`, {
        where: resolved.files[shapes.indexOf('[')],
        hint: 'point the source at files of one shape, or split it into two sources',
      });
    }
    return loadJsonArrays(engine, spec, resolved, table);
  }
  return loadNdjson(engine, spec, resolved, table);
}

async function loadNdjson(
  engine: DuckDbEngine,
  spec: FileSourceSpec,
  resolved: ResolvedFiles,
  table: string,
): Promise<SourceLoad> {
  const dir = await mkdtemp(join(tmpdir(), 'gtm-ndjson-'));
  const scratch = join(dir, 'rows.ndjson');
  const stage = tempName('json');
  const rejects: SourceReject[] = [];
  const hashes: string[] = [];
  let good = 0;
  const out = new ScratchFile(scratch);
  try {
    for (let i = 0; i < resolved.files.length; i++) {
      const result = await splitNdjson(resolved.files[i], i, out, rejects);
      hashes.push(result.sha256);
      good += result.good;
    }
    await out.close();

    const target = quoteIdent(table);
    if (good === 0) {
      await engine.exec(`CREATE OR REPLACE TABLE ${target} (source_file VARCHAR, source_row BIGINT)`);
    } else {
      await engine
        .exec(
          `CREATE TABLE ${quoteIdent(stage)} AS SELECT * FROM read_json_auto(${literal(scratch)}, ` +
            `format = 'newline_delimited', sample_size = -1)`,
        )
        .catch((err: unknown) => {
          throw unreadableJson(spec, resolved.files, err);
        });
      const cols = (await engine.describe(stage)).filter((c) => c.name !== FILE_KEY && c.name !== ROW_KEY);
      assertColumnNames(
        cols.map((c) => c.name),
        resolved.files.length === 1 ? resolved.files[0] : `sources.${spec.name}`,
      );
      assertNoReservedColumns(
        cols.map((c) => c.name),
        spec.name,
        resolved.files[0],
      );
      const fileNames = `(VALUES ${resolved.files.map((f, i) => `(${i}, ${literal(f)})`).join(', ')}) f(i, path)`;
      await engine
        .exec(
          `CREATE OR REPLACE TABLE ${target} AS SELECT ${cols.map(plainColumn).join(', ')}${cols.length ? ', ' : ''}` +
            `f.path AS source_file, s.${quoteIdent(ROW_KEY)}::BIGINT AS source_row ` +
            `FROM ${quoteIdent(stage)} s JOIN ${fileNames} ON s.${quoteIdent(FILE_KEY)} = f.i ` +
            `ORDER BY s.${quoteIdent(FILE_KEY)}, s.${quoteIdent(ROW_KEY)}`,
        )
        .catch((err: unknown) => {
          // Every line parsed as JSON, but DuckDB cannot type the rows together (a key spelled with
          // an invisible character next to the plain one, a key holding values of clashing shapes).
          throw new GtmError('INPUT', `cannot read the rows as one table: ${duckDbMessage(err)}`, {
            where: resolved.files.length === 1 ? resolved.files[0] : `sources.${spec.name}.path`,
            hint: 'spell each key the same way in every line (no invisible characters) and give it one kind of value',
            cause: err,
          });
        });
    }
  } finally {
    // a file that failed part way (unreadable, cut off) leaves the scratch stream open: its
    // descriptor would stay taken for as long as the process lives (`gtm mcp` serves many runs)
    out.destroy();
    await dropTables(engine, [stage]);
    await rm(dir, { recursive: true, force: true });
  }
  return {
    source: spec.name,
    table,
    rows: good,
    columns: await dataColumns(engine, table),
    files: resolved.files,
    fingerprint: combineFingerprints(
      resolved.files.map((f, i) => ({ name: manifestName(resolved.root, f), sha256: hashes[i] })),
    ),
    rejects,
  };
}

/**
 * Streams one NDJSON file: hashes its bytes, rejects bad lines with their line numbers, and writes
 * good lines to `out` with the file index and line number spliced in.
 */
async function splitNdjson(
  file: string,
  fileIndex: number,
  out: ScratchFile,
  rejects: SourceReject[],
): Promise<{ sha256: string; good: number }> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lineNo = 0;
  let good = 0;
  let carry: Buffer = Buffer.alloc(0);

  const handleLine = async (bytes: Buffer) => {
    lineNo++;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      rejects.push({
        row: lineNo,
        file,
        reason: 'not valid UTF-8 text',
        raw: rawText(bytes.toString('utf8')),
      });
      return;
    }
    if (lineNo === 1) text = text.replace(/^\uFEFF/, '');
    text = text.trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      rejects.push({
        row: lineNo,
        file,
        reason: `invalid JSON: ${(err as Error).message}`,
        raw: rawText(text),
      });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
      rejects.push({
        row: lineNo,
        file,
        reason: `expected a JSON object, found ${kind}`,
        raw: rawText(text),
      });
      return;
    }
    const rest = text.slice(1).trimStart();
    const line = `{"${FILE_KEY}":${fileIndex},"${ROW_KEY}":${lineNo}${rest.startsWith('}') ? '' : ','}${rest}\n`;
    good++;
    await out.write(line);
  };

  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    let start = 0;
    let nl = chunk.indexOf(0x0a, start);
    while (nl !== -1) {
      const piece = chunk.subarray(start, nl);
      await handleLine(carry.length ? Buffer.concat([carry, piece]) : piece);
      carry = Buffer.alloc(0);
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) carry = Buffer.concat([carry, chunk.subarray(start)]);
  }
  if (carry.length) await handleLine(carry);
  return { sha256: hash.digest('hex'), good };
}

async function loadJsonArrays(
  engine: DuckDbEngine,
  spec: FileSourceSpec,
  resolved: ResolvedFiles,
  table: string,
): Promise<SourceLoad> {
  const stage = tempName('json');
  const fileList = `[${resolved.files.map((f) => literal(f)).join(', ')}]`;
  try {
    await engine
      .exec(
        `CREATE TABLE ${quoteIdent(stage)} AS SELECT * FROM read_json_auto(${fileList}, format = 'array', ` +
          `sample_size = -1, union_by_name = true, filename = ${literal(FILE_KEY)})`,
      )
      .catch((err: unknown) => {
        throw unreadableJson(spec, resolved.files, err);
      });
    const cols = (await engine.describe(stage)).filter((c) => c.name !== FILE_KEY);
    assertColumnNames(
      cols.map((c) => c.name),
      resolved.files.length === 1 ? resolved.files[0] : `sources.${spec.name}`,
    );
    assertNoReservedColumns(
      cols.map((c) => c.name),
      spec.name,
      resolved.files[0],
    );
    const file = quoteIdent(FILE_KEY);
    await engine.exec(
      `CREATE OR REPLACE TABLE ${quoteIdent(table)} AS SELECT ${cols.map(plainColumn).join(', ')}${cols.length ? ', ' : ''}` +
        `${file} AS source_file, row_number() OVER (PARTITION BY ${file} ORDER BY rowid) AS source_row ` +
        `FROM ${quoteIdent(stage)} ORDER BY rowid`,
    );
  } finally {
    await dropTables(engine, [stage]);
  }
  const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return {
    source: spec.name,
    table,
    rows: n,
    columns: await dataColumns(engine, table),
    files: resolved.files,
    fingerprint: fingerprintLater(resolved.files, (f) => manifestName(resolved.root, f)),
    rejects: [],
  };
}

/** A write stream that turns disk errors (full, read-only tmp) into IO errors instead of crashes. */
class ScratchFile {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(private readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (err) => (this.failure ??= err));
  }

  async write(text: string): Promise<void> {
    this.check();
    if (!this.stream.write(text)) await once(this.stream, 'drain').catch((err: Error) => this.fail(err));
  }

  async close(): Promise<void> {
    this.check();
    this.stream.end();
    await once(this.stream, 'close').catch((err: Error) => this.fail(err));
    this.check();
  }

  /** Closes the file at once if `close` did not (nothing more is written). */
  destroy(): void {
    if (!this.stream.destroyed) this.stream.destroy();
  }

  private check(): void {
    if (this.failure) this.fail(this.failure);
  }

  private fail(err: Error): never {
    throw new GtmError('IO', `cannot write scratch file ${this.path}: ${err.message}`, {
      where: this.path,
      hint: 'free space in the temporary directory or point TMPDIR at a writable disk',
      cause: err,
    });
  }
}

/** Mixed-type JSON fields come back as JSON text (`"a"` with quotes): unwrap scalars to text. */
function plainColumn(col: { name: string; type: string }): string {
  const q = quoteIdent(col.name);
  if (col.type === 'JSON') return `json_extract_string(${q}, '$') AS ${q}`;
  if (col.type === 'NULL') return `CAST(${q} AS VARCHAR) AS ${q}`;
  return q;
}

function unreadableJson(spec: FileSourceSpec, files: string[], err: unknown): GtmError {
  return new GtmError('INPUT', `cannot read JSON: ${duckDbMessage(err)}`, {
    where: files.length === 1 ? files[0] : `sources.${spec.name}.path`,
    hint: 'a JSON array file must be valid as a whole; for one record per line use NDJSON (.ndjson/.jsonl)',
    cause: err,
  });
}

async function firstByte(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.trimStart().charAt(0);
  } finally {
    await handle.close();
  }
}

function rawText(text: string): string {
  return text.length > MAX_RAW_LENGTH ? `${text.slice(0, MAX_RAW_LENGTH)}…` : text;
}
