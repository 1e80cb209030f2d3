import {
  PathStream,
  type AttributionOptions,
  type AttributionResult,
  type ModelName,
} from '../../analyses/attribution/index.ts';
import type { ClickHouseEngine } from '../../data/clickhouse-engine.ts';
import { GtmError } from '../../errors/index.ts';
import { numberField, pathLineTabs } from './build-path-summary.ts';

/**
 * Feeds `path<TAB>conversions<TAB>value<TAB>nulls[<TAB>value_conflicts]` lines (the path as codes
 * joined by commas) to a `PathStream` one at a time: a line's codes are parsed into one reused
 * buffer and added to the model's sums, and nothing of the line is kept. So reading any number of
 * distinct paths costs the model's sums and this buffer (and `counts`, for the touch checks).
 */
export class PathLineStream {
  private codes = new Int32Array(256);
  /** for the touch checks: journeys left without a touch (the empty path), value conflicts */
  readonly counts: { emptyJourneys: number; emptyConversions: number; valueConflicts?: number } = {
    emptyJourneys: 0,
    emptyConversions: 0,
  };

  constructor(
    private readonly channelCount: number,
    private readonly stream: PathStream,
  ) {}

  line(text: string): void {
    const [t1, t2, t3, t4] = pathLineTabs(text);
    let len = 0;
    let code = -1;
    for (let i = 0; i <= t1; i++) {
      const ch = i < t1 ? text.charCodeAt(i) : 44;
      if (ch >= 48 && ch <= 57) {
        code = (code < 0 ? 0 : code * 10) + (ch - 48);
        continue;
      }
      if (code >= 0) {
        // The query leaves touches without a channel out of the path (so lines are distinct paths).
        if (code >= this.channelCount)
          throw new GtmError(
            'INTERNAL',
            `a path summary line has channel code ${code}, beyond the ${this.channelCount} channels`,
          );
        if (len === this.codes.length) {
          const bigger = new Int32Array(len * 2);
          bigger.set(this.codes);
          this.codes = bigger;
        }
        this.codes[len++] = code;
      }
      code = -1;
    }
    const conversions = numberField(text.slice(t1 + 1, t2));
    const nulls = numberField(t4 < 0 ? text.slice(t3 + 1) : text.slice(t3 + 1, t4));
    if (len === 0) {
      this.counts.emptyJourneys += conversions + nulls;
      this.counts.emptyConversions += conversions;
    }
    if (t4 >= 0)
      this.counts.valueConflicts = (this.counts.valueConflicts ?? 0) + numberField(text.slice(t4 + 1));
    this.stream.add(this.codes, 0, len, conversions, numberField(text.slice(t2 + 1, t3)), nulls);
  }
}

/**
 * Runs one model over a path-summary query on ClickHouse as its lines arrive (`PathStream`): gtm's
 * memory is the model's sums, whatever the number of distinct paths. `sql` returns one row per
 * distinct path: its codes joined by commas (indices into `channels`), conversions, value, nulls
 * (and value_conflicts with a value column).
 * The caller checks `pathStreamBlocker` first.
 * @example const { result } = await streamPathSummary(engine, sql, channels, 'markov', {})
 */
export async function streamPathSummary(
  engine: ClickHouseEngine,
  sql: string,
  channels: string[],
  model: ModelName,
  options: AttributionOptions,
): Promise<{ result: AttributionResult; rows: number; paths_ms: number; counts: PathLineStream['counts'] }> {
  const t = performance.now();
  const stream = new PathStream(channels, model, options);
  const reader = new PathLineStream(channels.length, stream);
  // A line the model refuses (a bad weight, too many channels) stops the read with its own error,
  // not as a failed query.
  let failure: unknown;
  await engine
    .queryLines(sql, (line) => {
      try {
        reader.line(line);
      } catch (err) {
        failure ??= err;
        throw err;
      }
    })
    .catch((err: unknown) => {
      throw failure ?? err;
    });
  const pathsMs = performance.now() - t;
  return { result: stream.finish(), rows: stream.rows, paths_ms: pathsMs, counts: reader.counts };
}
