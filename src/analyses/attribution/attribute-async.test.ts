/**
 * attributeAsync and compareModelsAsync: the same results as attribute and compareModels, to the
 * last bit, while the bootstrap's resamples give the event loop its turn and can be stopped.
 */
import { describe, expect, it } from 'vitest';
import { attribute, attributeAsync } from './attribute.ts';
import { compareModels, compareModelsAsync } from './compare-models.ts';
import { createRng } from './create-rng.ts';
import { samplePoisson } from './sample-poisson.ts';
import type { PathRecord } from './types.ts';

function randomRecords(seed: number, channels: string[], n: number): PathRecord[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const len = 1 + Math.floor(rng.next() * 5);
    const path = Array.from({ length: len }, () => channels[Math.floor(rng.next() * channels.length)]);
    const conversions = samplePoisson(rng, 2);
    return { path, conversions, value: conversions * (5 + 50 * rng.next()), nulls: samplePoisson(rng, 6) };
  });
}

/** Returns to the event loop after every step. */
const everyStep = () => new Promise<void>((resolve) => setImmediate(resolve));

const records = randomRecords(11, ['email', 'search', 'social', 'display', 'partner', 'direct'], 400);

describe('attributeAsync', () => {
  it.each(['shapley', 'markov', 'linear', 'fractribution'])(
    '%s with a bootstrap: the result of attribute, to the last bit',
    async (model) => {
      const options = { bootstrap: 60, seed: 5, perPath: true };
      const sync = attribute(records, model, options);
      // a pause that returns to the event loop after every resample
      const async = await attributeAsync(records, model, options, everyStep);
      expect(async).toEqual(sync);
      expect(async.channels[0].conversionsCI).toBeDefined();
    },
  );

  it('gives the event loop its turn while the bootstrap runs', async () => {
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    try {
      let pauses = 0;
      await attributeAsync(records, 'shapley', { bootstrap: 200 }, async () => {
        pauses++;
        await everyStep();
      });
      // one pause after the point estimate, one after each resample
      expect(pauses).toBe(201);
      expect(turns).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('stops at the first pause that throws (a cancelled call): no further resample runs', async () => {
    let pauses = 0;
    const stop = new Error('cancelled');
    await expect(
      attributeAsync(records, 'markov', { bootstrap: 1000 }, async () => {
        if (++pauses === 4) throw stop;
      }),
    ).rejects.toBe(stop);
    expect(pauses).toBe(4);
  });

  it('refuses a bad bootstrap as attribute does', async () => {
    await expect(attributeAsync(records, 'linear', { bootstrap: 1 }, everyStep)).rejects.toThrow(
      /bootstrap resamples must be a whole number ≥ 2, got 1/,
    );
  });
});

describe('compareModelsAsync', () => {
  it('is compareModels, to the last bit (shapley skipped past its channel limit as there)', async () => {
    const options = { bootstrap: 20, seed: 3, maxShapleyChannels: 5 };
    const sync = compareModels(records, options);
    const async = await compareModelsAsync(records, options, everyStep);
    expect(async).toEqual(sync);
    expect(async.skipped.map((s) => s.model)).toEqual(['custom', 'shapley']);
  });
});
