import { describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { barChart } from './charts.ts';
import { renderChartSvg } from './render-chart-svg.ts';

const data = [
  { source: 'web', leads: 12 },
  { source: 'partner', leads: 30 },
  { source: 'event', leads: 7 },
];

describe('renderChartSvg', () => {
  it('is deterministic: same spec, same bytes, regardless of what was rendered before', async () => {
    const spec = barChart({ title: 'Leads', data, x: 'source', y: 'leads' });
    const clipped = {
      data: { values: data },
      mark: { type: 'bar', clip: true },
      encoding: { x: { field: 'source', type: 'nominal' }, y: { field: 'leads', type: 'quantitative' } },
    };
    const first = await renderChartSvg(clipped, { idPrefix: 'c' });
    await renderChartSvg(spec, { idPrefix: 'other' });
    await renderChartSvg(clipped, { idPrefix: 'x' });
    const again = await renderChartSvg(clipped, { idPrefix: 'c' });
    expect(again.svg).toBe(first.svg);
    expect(first.svg).toContain('id="c-1"');
    expect(first.svg).toContain('clip-path="url(#c-1)"');
  });

  it('gives a spec without a size the fixed default size', async () => {
    const { svg } = await renderChartSvg({
      data: { values: data },
      mark: 'bar',
      encoding: { x: { field: 'source', type: 'nominal' }, y: { field: 'leads', type: 'quantitative' } },
    });
    expect(svg).toMatch(/^<svg[^>]*class="marks"/);
    expect(svg).toContain('h960v280h-960Z');
  });

  it('refuses external data with a hint', async () => {
    const err = await renderChartSvg(
      { data: { url: 'https://example.com/d.csv' }, mark: 'bar' },
      { where: 'chart "x"' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GtmError);
    expect((err as GtmError).message).toContain('spec.data.url');
    expect((err as GtmError).hint).toContain('data.values');
    expect((err as GtmError).where).toBe('chart "x"');
  });

  it('refuses external data in a layer or a lookup, but not a "url" field inside inline rows', async () => {
    const layered = { layer: [{ data: { url: 'x.json' }, mark: 'bar' }] };
    await expect(renderChartSvg(layered)).rejects.toThrow(/layer\[0\]\.data\.url/);
    const lookup = {
      data: { values: data },
      transform: [{ lookup: 'source', from: { data: { url: 'y.csv' }, key: 'k' } }],
      mark: 'bar',
    };
    await expect(renderChartSvg(lookup)).rejects.toThrow(/from\.data\.url/);
    const rows = {
      data: { values: [{ data: { url: 'not a source' }, n: 1 }] },
      mark: 'point',
      encoding: { x: { field: 'n', type: 'quantitative' } },
    };
    await expect(renderChartSvg(rows)).resolves.toHaveProperty('svg');
  });

  it('reports an invalid spec as an INTERNAL error naming the chart', async () => {
    const err = await renderChartSvg(
      { data: { values: data }, mark: 'no-such-mark' },
      { where: 'chart "bad"' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GtmError);
    expect((err as GtmError).code).toBe('INTERNAL');
    expect((err as GtmError).where).toBe('chart "bad"');
  });

  it('drops hrefs and images that data could point anywhere', async () => {
    const spec = {
      data: { values: [{ a: 'x', b: 1, u: 'https://evil.example/x', img: 'http://evil.example/i.png' }] },
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'a', type: 'nominal' },
            y: { field: 'b', type: 'quantitative' },
            href: { field: 'u' },
          },
        },
        {
          mark: { type: 'image', width: 9, height: 9 },
          encoding: {
            x: { field: 'a', type: 'nominal' },
            y: { field: 'b', type: 'quantitative' },
            url: { field: 'img' },
          },
        },
      ],
    };
    const { svg } = await renderChartSvg(spec);
    expect(svg).not.toMatch(/<(a|image)\b/);
    expect(svg).not.toMatch(/href="(?!#)/);
  });

  it('collects warnings instead of printing them', async () => {
    const { warnings } = await renderChartSvg({
      data: { values: data },
      mark: 'bar',
      encoding: {
        x: { field: 'source', type: 'nominal' },
        y: { field: 'leads', type: 'quantitative' },
        order: { field: 'source', type: 'nominal' },
      },
    });
    expect(warnings.join('\n')).toMatch(/order/i);
  });
});
