/**
 * The two Segment tracking plans of segmentio/typewriter (MIT; test/reference-data/README.md)
 * through `gtm events import --format segment`, as a user runs it: every TRACK rule of the Public
 * API file (25, `rules[].key`) and every event of the Config API v1 file (24,
 * `rules.events[].name`) comes out as one event of the plan, under its name as the file writes it
 * (the v1 file writes `#1` where the Public API key says `1`), the unusual one included. The names
 * are read from the JSON files here, apart from gtm's importer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeFixtureDir } from '../helpers/fixture-dir.ts';
import { referencePath } from '../helpers/reference-data.ts';
import { runCli } from '../helpers/run-cli.ts';

const read = (name: string): unknown =>
  JSON.parse(readFileSync(referencePath('tracking-plans', name), 'utf8'));

describe('gtm events import on the typewriter Segment plans', () => {
  it.each([
    [
      'segment-public-api-plan.json',
      (f: unknown) =>
        (f as { rules: { key: string; type: string }[] }).rules
          .filter((r) => r.type === 'TRACK')
          .map((r) => r.key),
    ],
    [
      'segment-config-api-plan-v1.json',
      (f: unknown) => (f as { rules: { events: { name: string }[] } }).rules.events.map((e) => e.name),
    ],
  ])('%s: one event per tracked event of the file, by name', async (file, names) => {
    const ws = await makeFixtureDir();
    try {
      const cli = await runCli(
        [
          'events',
          'import',
          '--format',
          'segment',
          referencePath('tracking-plans', file),
          '--out',
          'plan.json',
          '--json',
        ],
        { cwd: ws.dir },
      );
      expect(cli.code, cli.stderr).toBe(0);
      const expected = names(read(file)).sort();
      expect(expected.length).toBeGreaterThanOrEqual(24);
      const plan = JSON.parse(readFileSync(ws.path('plan.json'), 'utf8')) as {
        name: string;
        events: { name: string }[];
      };
      expect(plan.name).toBe('Typewriter E2E');
      expect(plan.events.map((e) => e.name).sort()).toEqual(expected);
    } finally {
      await ws.remove();
    }
  });
});
