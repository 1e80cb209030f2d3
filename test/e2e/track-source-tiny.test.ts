/**
 * track-source on the tiny hand-written workspace (test/fixtures/tiny-workspace), where every
 * number can be worked out by hand: conversion, dedupe across sources, sourced vs influenced.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatTrackSource, type TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { copyFixtureWorkspace, TINY_AS_OF, type FixtureWorkspace } from '../helpers/fixture-workspace.ts';
import { runCli } from '../helpers/run-cli.ts';

let ws: FixtureWorkspace;
let r: TrackSourceResult;
beforeAll(async () => {
  ws = await copyFixtureWorkspace();
  const cli = await runCli(
    ['track-source', '--campaign', 'spring', '--as-of', TINY_AS_OF, '--dimensions', 'asset'],
    { cwd: ws.dir },
  );
  expect(cli.code, cli.stderr).toBe(0);
  r = cli.json<TrackSourceResult>();
});
afterAll(() => ws.remove());

it('converts pipeline to the reporting currency at the rate on the creation date', () => {
  // O1 1000 USD (won), O2 2000.50 EUR × 1.1, O3 "3,000" USD
  expect(r.totals).toMatchObject({
    opportunities: 3,
    pipeline: 1000 + 2000.5 * 1.1 + 3000,
    revenue: 1000,
    won: 1,
  });
});

it('dedupes the webinar seen by the CRM and the web analytics one minute apart, keeping the CRM row', () => {
  expect(r.row_accounting.find((a) => a.source === 'web')).toMatchObject({
    rows_in: 2,
    accepted: 1,
    deduplicated: 1,
    rejected: 0,
  });
  // the two rows agree on every column both sources have (the time within the tolerance)
  expect(r.duplicates).toEqual([
    { source: 'web', kept_source: 'crm_touches', rows: 1, differing: 0, differing_columns: {} },
  ]);
});

it('a registration before creation makes a deal partner-sourced; one after creation does not', () => {
  // O2: Bob registered with Acme five days before creation → sourced by acme
  // O3: Cy's registration is a day after creation → influenced only
  expect(r.partner_classification.sourced).toEqual({
    opportunities: 1,
    pipeline: 2000.5 * 1.1,
    revenue: 0,
    by_partner: { acme: { opportunities: 1, pipeline: 2000.5 * 1.1, revenue: 0 } },
  });
  expect(r.partner_classification.influenced).toMatchObject({
    opportunities: 2,
    pipeline: 4000,
    revenue: 1000,
  });
  const acme = r.by_partner.find((p) => p.key === 'acme')!;
  expect(acme).toMatchObject({ name: 'Acme Cloud', tier: 'gold', sourced_opportunities: 1 });
});

it('credits partners and assets, with the rest explicit', () => {
  const sum = (xs: { pipeline: number }[]) => xs.reduce((s, x) => s + x.pipeline, 0);
  expect(sum(r.by_partner) + r.unattributed.pipeline).toBeCloseTo(r.totals.pipeline, 6);
  expect(sum(r.by_asset!) + r.unattributed.pipeline).toBeCloseTo(r.totals.pipeline, 6);
  expect(r.by_asset!.map((a) => a.key)).toContain('spring-webinar');
  expect(r.confidence).toMatchObject({ value: 1, threshold: 0 });
  expect(r.contribution).toEqual([
    expect.objectContaining({
      partner: 'acme',
      pipeline: r.by_partner.find((p) => p.key === 'acme')!.pipeline,
    }),
  ]);
});

it('terminal view: money with cents below 1,000, whole units from 1,000 up', () => {
  const terminal = formatTrackSource(r, 'full');
  // expected cells worked out apart from the formatter: two decimals below 1,000, else whole with
  // thousands separators (it rounded every amount to whole units)
  const cell = (x: number) =>
    Math.abs(x) < 1000
      ? x.toFixed(2)
      : Math.round(x)
          .toString()
          .replace(/\B(?=(\d{3})+$)/g, ',');
  const rows = [...r.by_channel, ...r.by_asset!];
  // amounts of both kinds: 1,100.275 → '1,100', no revenue → '0.00' (it printed '0')
  expect(rows.some((c) => c.revenue === 0) && rows.some((c) => c.pipeline === 1100.275)).toBe(true);
  for (const c of rows)
    expect(terminal).toMatch(
      new RegExp(
        `\\n${c.key.replace(/[-.()]/g, '\\$&')} +${cell(c.pipeline)} +${cell(c.revenue)} +${c.touches}\\b`,
      ),
    );
});
