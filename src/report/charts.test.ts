import { describe, expect, it } from 'vitest';
import { chartData } from './chart-data.ts';
import { barChart, bulletVsTarget, errorBars, funnelChart, lineChart, stackedBar } from './charts.ts';
import { renderChartSvg } from './render-chart-svg.ts';

type AnyObject = Record<string, unknown>;
const values = (spec: object) => ((spec as AnyObject).data as { values: AnyObject[] }).values;
/** Text of the labels of the axis whose aria-label starts with `axis` ("X-axis" / "Y-axis"). */
const axisLabels = (svg: string, axis: 'X' | 'Y'): string[] => {
  const start = svg.indexOf(`aria-label="${axis}-axis`);
  const group = svg.slice(start, svg.indexOf('role-axis-domain', start));
  return [...group.matchAll(/role-axis-label[\s\S]*?(?=<\/g>)/g)].flatMap((m) =>
    [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]),
  );
};

const partners = [
  { partner: 'B', revenue: 200, target: 150 },
  { partner: 'A', revenue: 50, target: 100 },
  { partner: 'C', revenue: 120, target: 0 },
];

describe('chart helpers', () => {
  const all = {
    barChart: barChart({ title: 't', data: partners, x: 'partner', y: 'revenue', format: 'currency' }),
    barChartGrouped: barChart({
      title: 't',
      data: [
        { p: 'a', s: 'x', v: 1 },
        { p: 'a', s: 'y', v: 2 },
      ],
      x: 'p',
      y: 'v',
      color: 's',
      horizontal: true,
    }),
    stackedBar: stackedBar({
      title: 't',
      data: [
        { p: 'a', s: 'x', v: 1 },
        { p: 'a', s: 'y', v: 2 },
      ],
      x: 'p',
      y: 'v',
      color: 's',
      normalize: true,
    }),
    lineChart: lineChart({
      title: 't',
      data: [
        { d: '2025-01-01', v: 1 },
        { d: '2025-01-08', v: 3 },
      ],
      x: 'd',
      y: 'v',
    }),
    bulletVsTarget: bulletVsTarget({
      title: 't',
      data: partners,
      category: 'partner',
      actual: 'revenue',
      target: 'target',
    }),
    funnelChart: funnelChart({
      title: 't',
      steps: [
        { label: 'a', value: 10 },
        { label: 'b', value: 4 },
      ],
    }),
    errorBars: errorBars({
      title: 't',
      data: [{ v: 'a', e: 0.1, lo: 0.05, hi: 0.15 }],
      category: 'v',
      estimate: 'e',
      low: 'lo',
      high: 'hi',
      reference: 0,
    }),
  };

  it.each(Object.entries(all))(
    '%s renders offline with no Vega-Lite warnings and a fixed width',
    async (_name, spec) => {
      const { svg, warnings } = await renderChartSvg(spec);
      expect(warnings).toEqual([]);
      expect(svg).toMatch(/^<svg[^>]* width="960"/);
      expect((spec as unknown as AnyObject).description).toBe('t');
    },
  );

  it('sorts bars by the measure, descending by default, and keeps data order with none', async () => {
    const desc = await renderChartSvg(
      barChart({ title: 't', data: partners, x: 'partner', y: 'revenue', horizontal: true }),
    );
    expect(axisLabels(desc.svg, 'Y')).toEqual(['B', 'C', 'A']);
    const asc = await renderChartSvg(
      barChart({ title: 't', data: partners, x: 'partner', y: 'revenue', sort: 'ascending' }),
    );
    expect(axisLabels(asc.svg, 'X')).toEqual(['A', 'C', 'B']);
    const none = await renderChartSvg(
      barChart({ title: 't', data: partners, x: 'partner', y: 'revenue', sort: 'none' }),
    );
    expect(axisLabels(none.svg, 'X')).toEqual(['B', 'A', 'C']);
  });

  it('labels currency axes with the currency symbol of the code', async () => {
    const { svg } = await renderChartSvg(
      barChart({
        title: 't',
        data: [{ k: 'a', v: 25000 }],
        x: 'k',
        y: 'v',
        format: 'currency',
        currency: 'EUR',
      }),
    );
    expect(axisLabels(svg, 'Y')).toContain('€25k');
  });

  it('bulletVsTarget classifies attainment and shows no ratio without a target', () => {
    const rows = values(all.bulletVsTarget);
    expect(rows.map((r) => [r.partner, r.attainment, r.vs_target])).toEqual([
      ['B', 200 / 150, 'At or above target'],
      ['A', 0.5, 'Below target'],
      ['C', null, 'No target'],
    ]);
  });

  it('funnelChart computes conversions and centres the bars', () => {
    const rows = values(
      funnelChart({
        title: 't',
        steps: [
          { label: 'Leads', value: 1000 },
          { label: 'MQL', value: 400 },
          { label: 'Won', value: 100 },
        ],
      }),
    );
    expect(rows.map((r) => [r.step, r.of_previous, r.of_first, r.start, r.end])).toEqual([
      ['Leads', null, 1, 0, 1000],
      ['MQL', 0.4, 0.4, 300, 700],
      ['Won', 0.25, 0.1, 450, 550],
    ]);
    expect(rows[2].label).toBe('100 · 25.0% of previous · 10.0% of first');
  });

  it('errorBars marks intervals that exclude the reference', () => {
    const rows = values(
      errorBars({
        title: 't',
        category: 'v',
        estimate: 'e',
        low: 'lo',
        high: 'hi',
        reference: 0,
        format: 'percent',
        data: [
          { v: 'up', e: 0.1, lo: 0.02, hi: 0.2 },
          { v: 'flat', e: 0.01, lo: -0.02, hi: 0.04 },
          { v: 'down', e: -0.1, lo: -0.2, hi: -0.01 },
        ],
      }),
    );
    expect(rows.map((r) => r.interval)).toEqual(['Excludes 0.0%', 'Includes 0.0%', 'Excludes 0.0%']);
  });

  it('lineChart reads and labels dates in UTC whatever the process time zone', async () => {
    const spec = lineChart({
      title: 't',
      data: [
        { d: '2025-01-06', v: 1 },
        { d: '2025-01-13', v: 2 },
        { d: '2025-01-20', v: 3 },
      ],
      x: 'd',
      y: 'v',
    });
    const before = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = await renderChartSvg(spec);
      process.env.TZ = 'America/Los_Angeles';
      const la = await renderChartSvg(spec);
      process.env.TZ = 'Asia/Tokyo';
      const tokyo = await renderChartSvg(spec);
      expect(axisLabels(utc.svg, 'X')).toEqual(['Jan 6', 'Jan 13', 'Jan 20']);
      expect(la.svg).toBe(utc.svg);
      expect(tokyo.svg).toBe(utc.svg);
    } finally {
      process.env.TZ = before;
    }
  });

  it('converts Dates and bigints in the data to JSON values', () => {
    const rows = values(
      lineChart({
        title: 't',
        data: [{ d: new Date(Date.UTC(2025, 0, 1)), v: 5n, skip: undefined }],
        x: 'd',
        y: 'v',
      }),
    );
    expect(rows).toEqual([{ d: '2025-01-01T00:00:00.000Z', v: 5 }]);
  });

  it('declares the text-table columns of each chart', () => {
    expect(chartData(all.bulletVsTarget).columns.map((c) => c.key)).toEqual([
      'partner',
      'revenue',
      'target',
      'attainment',
    ]);
    expect(chartData(all.funnelChart).columns.map((c) => c.label)).toEqual([
      'Step',
      'Count',
      'Of previous',
      'Of first',
    ]);
  });
});

describe('chartData', () => {
  it('falls back to encoded fields, then to the keys of the first row', () => {
    const encoded = chartData({
      data: { values: [{ a: 'x', b: 0.5, c: 1 }] },
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'a', type: 'nominal', title: 'A' },
            y: { field: 'b', type: 'quantitative', axis: { format: '.0%' } },
          },
        },
      ],
    });
    expect(encoded.columns).toEqual([
      { key: 'a', label: 'A', format: 'text' },
      { key: 'b', label: 'b', format: 'percent' },
    ]);
    expect(
      chartData({ data: { values: [{ p: 1, q: 2 }] }, mark: 'point' }).columns.map((c) => c.key),
    ).toEqual(['p', 'q']);
    expect(chartData({ mark: 'point' })).toEqual({ columns: [], rows: [] });
  });
});
