import { writeJsonAtomic } from './write-json-atomic.ts';

/**
 * Persists a record that changes while stages run concurrently. Writes never overlap (they are
 * chained) and coalesce: a save requested while one is queued but not started is served by that
 * queued write, which serializes the record when it starts and so includes every change made
 * before. A failed write is remembered, not thrown, so a full disk fails the run once, at the end.
 *
 * @example
 * const writer = new PlanWriter(path, record);
 * record.status = 'succeeded';
 * await writer.save();
 * if (writer.error) throw writer.error;
 */
export class PlanWriter {
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private failure: unknown = undefined;
  private writes = 0;

  constructor(
    readonly path: string,
    private readonly record: unknown,
  ) {}

  /** Resolves once a write that started after this call has finished. */
  save(): Promise<void> {
    if (this.queued) return this.chain;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      try {
        await writeJsonAtomic(this.path, this.record);
        this.writes++;
      } catch (err) {
        this.failure ??= err;
      }
    });
    return this.chain;
  }

  /** The first write error, if any. */
  get error(): unknown {
    return this.failure;
  }

  /** Completed writes, for tests and diagnostics. */
  get writeCount(): number {
    return this.writes;
  }
}
