import { describe, expect, it } from 'vitest';
import { slicedPause, withCancellation } from './cancellation.ts';

describe('slicedPause', () => {
  it('returns to the event loop only once its slice has passed, and starts the slice again there', async () => {
    let now = 0;
    const pause = slicedPause(50, () => now);
    let immediate = false;
    setImmediate(() => (immediate = true));
    now = 49;
    await pause();
    // within the slice: the event loop had no turn
    expect(immediate).toBe(false);
    now = 50;
    await pause();
    expect(immediate).toBe(true);
    immediate = false;
    setImmediate(() => (immediate = true));
    now = 99;
    await pause();
    expect(immediate).toBe(false);
  });

  it('throws the cancellation of its scope at the first return to the event loop after the abort', async () => {
    const ac = new AbortController();
    let now = 0;
    const pause = slicedPause(50, () => now);
    await withCancellation(ac.signal, async () => {
      ac.abort('cancelled by the test');
      // within the slice it reads nothing: the work goes on to the end of its slice
      await pause();
      now = 50;
      await expect(pause()).rejects.toThrow(/the run was cancelled/);
    });
  });

  it('outside a scope it never throws', async () => {
    let now = 0;
    const pause = slicedPause(0, () => now++);
    for (let i = 0; i < 3; i++) await pause();
  });
});
