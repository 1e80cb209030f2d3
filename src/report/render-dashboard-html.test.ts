import { describe, expect, it } from 'vitest';
import { expectGolden, roundFloats, splitSvgTags, stableIds } from '../../test/helpers/golden.ts';
import { barChart } from './charts.ts';
import type { Dashboard } from './dashboard.ts';
import { renderDashboardHtml } from './render-dashboard-html.ts';
import { HOSTILE, sampleDashboard } from './sample-dashboard.fixture.ts';
import { SORTABLE_TABLE_SCRIPT, SORTABLE_TABLE_SCRIPT_HASH } from './sortable-table-script.ts';

const chartSpecs = (d: Dashboard) =>
  d.sections.flatMap((s) => s.blocks).flatMap((b) => (b.kind === 'chart' ? [b.spec] : []));

const minimal = (extra: Partial<Dashboard> = {}): Dashboard => ({
  title: 'T',
  generatedAt: '2025-01-01T00:00:00Z',
  runId: 'r',
  kpis: [],
  sections: [],
  ...extra,
});

describe('renderDashboardHtml', async () => {
  const d = sampleDashboard();
  const html = await renderDashboardHtml(d);

  it('matches the golden file', () => {
    expectGolden('report/dashboard.html', html, { normalize: [stableIds, roundFloats(4), splitSvgTags] });
  });

  it('is byte-identical across renders', async () => {
    expect(await renderDashboardHtml(sampleDashboard())).toBe(html);
  });

  it('never lets hostile strings through as markup', () => {
    expect(html).not.toContain(HOSTILE.script);
    expect(html).not.toMatch(/<script>alert/i);
    expect(html).not.toContain('<!--');
    // No tag anywhere has an event-handler attribute or an unescaped quote from the data.
    const tags =
      html
        .replace(/(<script type="application\/json"[^>]*>)[\s\S]*?<\/script>/g, '$1</script>')
        .match(/<[^>]*>/g) ?? [];
    expect(tags.filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]);
    expect(tags.filter((t) => t.includes('"onload='))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(
      '<h1>Partner attribution — AI Launch Tour &lt;script&gt;alert(1)&lt;/script&gt;</h1>',
    );
    expect(html).toContain('<div class="kpi-label">Top partner &quot;onload=&quot;alert(1)</div>');
    expect(html).toContain(
      '<title>Partner attribution — AI Launch Tour &lt;script&gt;alert(1)&lt;/script&gt;</title>',
    );
    // Inline Markdown keeps its two tags and nothing else.
    expect(html).toContain(
      'against the <strong>quarterly target</strong> in <code>gtm.yaml</code>. [click](https://evil.example)',
    );
  });

  it('has exactly the scripts it means to: one JSON spec per chart and the sort script', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[1]);
    const charts = chartSpecs(d).length;
    expect(scripts.filter((a) => a.includes('type="application/json"'))).toHaveLength(charts);
    expect(scripts).toHaveLength(charts + 1);
    expect(html).toContain(`<script>${SORTABLE_TABLE_SCRIPT}</script>`);
    expect(html).toContain(`script-src ${SORTABLE_TABLE_SCRIPT_HASH.replace(/'/g, '&#39;')}`);
  });

  it('embeds each Vega-Lite spec as JSON that parses back to the spec', () => {
    const embedded = [
      ...html.matchAll(
        /<script type="application\/json" class="vega-lite-spec" data-for="([^"]+)">([\s\S]*?)<\/script>/g,
      ),
    ];
    expect(embedded.map((m) => m[1])).toEqual(chartSpecs(d).map((_s, i) => `chart-${i + 1}`));
    embedded.forEach((m, i) => {
      expect(m[2]).not.toMatch(/[<>]/);
      expect(JSON.parse(m[2])).toEqual(JSON.parse(JSON.stringify(chartSpecs(d)[i])));
    });
  });

  it('loads nothing from outside: no external src, href or url(), and a deny-all policy', () => {
    expect(html).not.toMatch(
      /\s(?:src|href|xlink:href|action|formaction|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i,
    );
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    const namespaces = [...html.matchAll(/\sxmlns(?::\w+)?="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(namespaces)).toEqual(
      new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']),
    );
    // Every other http(s):// is escaped text from the data, never inside a tag.
    const tags = html.replace(/\sxmlns(?::\w+)?="[^"]*"/g, '').match(/<[^>]*>/g) ?? [];
    expect(tags.filter((t) => /https?:/i.test(t))).toEqual([]);
    expect(html).toContain('content="default-src &#39;none&#39;;');
    const links = [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((h) => h.startsWith('#'))).toBe(true);
  });

  it('renders one SVG per chart with ids unique on the page', () => {
    expect(html.match(/<svg\b/g)).toHaveLength(chartSpecs(d).length);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const ref of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1]);
  });

  it('formats KPIs with en-US and the given currency, and labels statuses in words', () => {
    expect(html).toContain('<div class="kpi-value">$975,250.50</div>');
    expect(html).toContain('<div class="kpi-value">€3,125,000.00</div>');
    expect(html).toContain('<div class="kpi-value">28.8%</div>');
    expect(html).toContain('▲ +12.4%');
    expect(html).toContain('▼ −3.4%');
    expect(html).toContain('<span class="badge badge-warn">Warning</span>');
    expect(html).toContain(
      '<tr class="row-alert"><td data-v="3"><span class="badge badge-alert">Alert</span></td>',
    );
  });

  it('right-aligns numeric columns and keeps raw values for sorting', () => {
    expect(html).toContain('<td class="num" data-v="412500">$412,500.00</td>');
    expect(html).toContain('<td class="num" data-v="">—</td>');
    expect(html).toContain('<th scope="col" class="num"><button type="button">Revenue</button></th>');
  });

  it('cuts long tables with a note, inferring formats from every row', async () => {
    const rows = Array.from({ length: 205 }, (_, i) => ({ id: `p${i}`, n: i < 200 ? 'x' : i }));
    const out = await renderDashboardHtml(
      minimal({
        sections: [
          {
            title: 'S',
            blocks: [
              {
                kind: 'table',
                title: 'Big',
                columns: [
                  { key: 'id', label: 'Id' },
                  { key: 'n', label: 'N' },
                ],
                rows,
              },
            ],
          },
        ],
      }),
    );
    expect(out.match(/<tr>/g)).toHaveLength(200 + 1);
    expect(out).toContain('Showing the first 200 of 205 rows.');
    const small = await renderDashboardHtml(
      minimal({
        sections: [
          {
            title: 'S',
            blocks: [{ kind: 'table', title: 'Big', columns: [{ key: 'id', label: 'Id' }], rows }],
          },
        ],
      }),
      { maxTableRows: 10, sortable: false },
    );
    expect(small).toContain('Showing the first 10 of 205 rows.');
    expect(small).not.toContain('<script>');
    expect(small).toContain("script-src 'none'".replace(/'/g, '&#39;'));
  });

  it('says so when a table or list is empty, and omits the contents for a single section', async () => {
    const out = await renderDashboardHtml(
      minimal({
        sections: [
          {
            title: 'S',
            blocks: [
              { kind: 'table', title: 'E', columns: [{ key: 'a', label: 'A' }], rows: [] },
              { kind: 'list', title: 'L', items: [] },
            ],
          },
        ],
      }),
    );
    expect(out).toContain('<p class="empty">No rows.</p>');
    expect(out).toContain('<p class="empty">None.</p>');
    expect(out).not.toContain('class="toc"');
  });

  it('reports chart warnings through onWarning with the chart title', async () => {
    const spec = {
      ...barChart({ title: 'x', data: [{ a: 'p', b: 1 }], x: 'a', y: 'b' }),
      encoding: {
        x: { field: 'a', type: 'nominal' },
        y: { field: 'b', type: 'quantitative' },
        order: { field: 'a', type: 'nominal' },
      },
    };
    const warnings: string[] = [];
    await renderDashboardHtml(
      minimal({ sections: [{ title: 'S', blocks: [{ kind: 'chart', title: 'Leads', spec }] }] }),
      { onWarning: (w) => warnings.push(w) },
    );
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/^chart "Leads": /);
  });
});

describe('renderDashboardHtml and the event loop', () => {
  it('gives the event loop a turn between blocks (a server stays responsive while it renders)', async () => {
    const d = sampleDashboard();
    const blocks = d.sections.reduce((n, s) => n + s.blocks.length, 0);
    // a chain of immediates: each one runs only when the render returns to the event loop
    let turns = 0;
    let going = true;
    const tick = () => {
      turns++;
      if (going) setImmediate(tick);
    };
    setImmediate(tick);
    try {
      await renderDashboardHtml(d);
    } finally {
      going = false;
    }
    // at least one turn a block (before, the charts rendered in one stretch: a 0.6 s stall on a
    // workspace of 6,000 accounts)
    expect(turns).toBeGreaterThanOrEqual(blocks);
  });
});
