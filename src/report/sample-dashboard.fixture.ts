/**
 * A dashboard with every block kind, every chart helper and hostile strings in every text slot;
 * the fixture of the renderer tests and golden files (not part of the public API).
 */
import { barChart, bulletVsTarget, errorBars, funnelChart, lineChart, stackedBar } from './charts.ts';
import type { Dashboard } from './dashboard.ts';

export const HOSTILE = {
  script: '<script>alert(1)</script>',
  attr: '"onload="alert(1)',
  formula: '=HYPERLINK("http://evil.example/x","click")',
  comment: '<!-- </script> -->',
  pipe: 'Acme | Globex\nInc.',
  link: '[click](https://evil.example) ![img](http://evil.example/i.png)',
};

const partners = [
  { partner: 'Northwind', revenue: 412500, target: 380000, pipeline: 1250000, deals: 14 },
  { partner: 'Contoso', revenue: 268000, target: 320000, pipeline: 940000, deals: 9 },
  { partner: HOSTILE.script, revenue: 151250.5, target: 150000, pipeline: 505000, deals: 6 },
  { partner: 'Fabrikam', revenue: 98000, target: 140000, pipeline: 310000, deals: 4 },
  { partner: HOSTILE.attr, revenue: 45500, target: 0, pipeline: 120000, deals: 2 },
];

const channels = ['Co-marketing webinar', 'Partner referral', 'Marketplace'];
const byChannel = partners.slice(0, 4).flatMap((p, i) =>
  channels.map((channel, j) => ({
    partner: p.partner,
    channel,
    pipeline: Math.round(p.pipeline * [0.5, 0.3, 0.2][j] * (1 + 0.1 * ((i + j) % 3))),
  })),
);

const weeks = [
  '2025-01-06',
  '2025-01-13',
  '2025-01-20',
  '2025-01-27',
  '2025-02-03',
  '2025-02-10',
  '2025-02-17',
  '2025-02-24',
];
const weekly = weeks.flatMap((week, i) => [
  { week, source: 'Partner-sourced', opportunities: 40 + i * 6 + (i % 2) * 4 },
  { week, source: 'Partner-influenced', opportunities: 25 + i * 3 - (i % 3) * 2 },
]);

export function sampleDashboard(): Dashboard {
  return {
    title: `Partner attribution — AI Launch Tour ${HOSTILE.script}`,
    subtitle: `Last 30 days, position-based model ${HOSTILE.attr}`,
    generatedAt: '2025-03-01T09:30:00Z',
    runId: 'track-source-20250301T093000Z',
    planPath: '.claude/plans/plan-20250301T093000Z.json',
    kpis: [
      {
        label: 'Sourced revenue',
        value: 975250.5,
        format: 'currency',
        currency: 'USD',
        delta: 0.124,
        status: 'ok',
        note: 'vs previous 30 days',
      },
      {
        label: 'Pipeline (EUR)',
        value: 3125000,
        format: 'currency',
        currency: 'EUR',
        delta: -0.034,
        status: 'warn',
      },
      { label: 'Win rate', value: 0.2875, format: 'percent', delta: 0, note: 'closed-won / closed' },
      { label: 'Deals', value: 35, format: 'integer', status: 'alert', note: HOSTILE.script },
      { label: `Top partner ${HOSTILE.attr}`, value: HOSTILE.formula },
    ],
    sections: [
      {
        title: 'Revenue against target',
        intro:
          'Attributed revenue per partner against the **quarterly target** in `gtm.yaml`. ' + HOSTILE.link,
        blocks: [
          {
            kind: 'chart',
            title: 'Revenue vs target by partner',
            spec: bulletVsTarget({
              title: 'Revenue vs target by partner',
              data: partners,
              category: 'partner',
              actual: 'revenue',
              target: 'target',
              format: 'currency',
              categoryTitle: 'Partner',
              valueTitle: 'Revenue',
            }),
            caption: `Bars are attributed revenue; the dark tick is the target. ${HOSTILE.comment}`,
          },
          {
            kind: 'table',
            title: 'Partners',
            columns: [
              { key: 'partner', label: 'Partner' },
              { key: 'revenue', label: 'Revenue', format: 'currency', currency: 'USD' },
              { key: 'target', label: 'Target', format: 'currency' },
              { key: 'attainment', label: 'Attainment', format: 'percent' },
              { key: 'deals', label: 'Deals', format: 'integer' },
              { key: 'note', label: `Note ${HOSTILE.pipe}` },
            ],
            rows: partners.map((p) => ({
              ...p,
              attainment: p.target ? p.revenue / p.target : null,
              status: p.target && p.revenue >= p.target ? 'ok' : p.target ? 'warn' : 'alert',
              note: p.partner === 'Contoso' ? HOSTILE.formula : p.partner === 'Fabrikam' ? HOSTILE.pipe : '',
            })),
            caption: 'Attainment is revenue / target; a partner without a target is flagged.',
            highlight: { key: 'status' },
          },
          {
            kind: 'chart',
            title: 'Pipeline by partner',
            spec: barChart({
              title: 'Pipeline by partner',
              data: partners,
              x: 'partner',
              y: 'pipeline',
              format: 'currency',
              horizontal: true,
              xTitle: 'Partner',
              yTitle: 'Pipeline',
            }),
          },
          {
            kind: 'chart',
            title: 'Pipeline by partner and channel',
            spec: stackedBar({
              title: 'Pipeline by partner and channel',
              data: byChannel,
              x: 'partner',
              y: 'pipeline',
              color: 'channel',
              colorTitle: 'Channel',
              format: 'currency',
              xTitle: 'Partner',
              yTitle: 'Pipeline',
            }),
            caption: 'Stacked by first-touch channel.',
          },
        ],
      },
      {
        title: 'Trends and funnel',
        blocks: [
          {
            kind: 'chart',
            title: 'Weekly opportunities',
            spec: lineChart({
              title: 'Weekly opportunities',
              data: weekly,
              x: 'week',
              y: 'opportunities',
              color: 'source',
              colorTitle: 'Source',
              format: 'integer',
              xTitle: 'Week',
              yTitle: 'Opportunities',
            }),
          },
          {
            kind: 'chart',
            title: 'Partner lead funnel',
            spec: funnelChart({
              title: 'Partner lead funnel',
              steps: [
                { label: 'Leads', value: 4820 },
                { label: 'MQL', value: 1930 },
                { label: 'SQL', value: 612 },
                { label: 'Opportunity', value: 248 },
                { label: 'Closed won', value: 71 },
              ],
            }),
            caption: 'Each bar shows the count and its conversion from the previous and the first step.',
          },
          {
            kind: 'markdown',
            text: `Conversion from **MQL to SQL** fell to \`31.7%\`.\n\n- Check lead routing for ${HOSTILE.script}\n- Review ${HOSTILE.formula}\n\n# not a heading ${HOSTILE.link}`,
          },
        ],
      },
      {
        title: 'Experiments and actions',
        blocks: [
          {
            kind: 'chart',
            title: 'Lift by variant (95% CI)',
            spec: errorBars({
              title: 'Lift by variant',
              data: [
                { variant: 'Co-branded landing page', lift: 0.082, low: 0.021, high: 0.143 },
                { variant: 'Partner webinar invite', lift: 0.031, low: -0.012, high: 0.074 },
                { variant: HOSTILE.script, lift: -0.045, low: -0.101, high: 0.011 },
              ],
              category: 'variant',
              estimate: 'lift',
              low: 'low',
              high: 'high',
              format: 'percent',
              reference: 0,
              categoryTitle: 'Variant',
              valueTitle: 'Lift',
            }),
            caption:
              'Points are estimates; lines are 95% confidence intervals; the dashed line is no effect.',
          },
          {
            kind: 'list',
            title: 'Optimization actions',
            items: [
              {
                text: 'Shift **15%** of webinar budget to Northwind co-marketing',
                detail: 'Owner: partner-marketing · ETA 2025-03-15',
                status: 'ok',
              },
              {
                text: 'Renegotiate Fabrikam targets',
                detail: 'Attainment 70.0% two periods running',
                status: 'warn',
              },
              { text: `Investigate ${HOSTILE.attr}`, detail: HOSTILE.formula, status: 'alert' },
              { text: 'Refresh partner asset library' },
            ],
          },
          {
            kind: 'callout',
            status: 'alert',
            text: `Alert threshold breached twice: escalated to **VP Partnerships**. ${HOSTILE.comment}`,
          },
          { kind: 'callout', status: 'warn', text: 'Two partners are below target.' },
          { kind: 'callout', status: 'ok', text: 'All sources reconciled: `0` rejected rows.' },
        ],
      },
    ],
    footnotes: [
      'Revenue is converted to USD at month-end rates; see `fx_rates` in the plan.',
      `Partner names are shown as provided: ${HOSTILE.script}`,
    ],
  };
}
