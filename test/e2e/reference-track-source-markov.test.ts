/**
 * track-source's data-driven attribution against an independent solve, as a user runs it: a CRM
 * export (opportunities, contacts, touches with a `Partner` column) whose journeys are the small
 * path summary below, one account per journey, touches on 2026-10-10, -11, -12 (one a day, in
 * path order), opportunities created 2026-10-20 with the amounts listed, campaign 2026-10-01 to
 * 2026-11-30, as-of 2026-11-15.
 *
 *   path                   deals (pipeline)     accounts without a deal
 *   acme > beta            100, 250, 400        2
 *   beta                   300                  3
 *   acme                   150, 50              2
 *   gamma > acme > beta    500                  1
 *   gamma                  —                    3
 *   beta > gamma           200                  0
 *   acme > acme > gamma    120                  1
 *
 * Expected: first-order Markov on those paths written from ChannelAttribution's definition in
 * Python (numpy 2.4.6 `linalg.solve` of the absorbing chain, repeats collapsed; removal effects
 * normalised to the 9 deals; pipeline by the value-weighted chain, to the 2,070 of pipeline):
 * the same script that reproduces `gtm attribute` on ChannelAttribution's example data
 * (reference-attribution-cli.test.ts). P(conversion) = 9 / 21.
 *
 * The window: a deal's journey takes its touches up to its creation within the lookback
 * (`lookback_days`, 90 by default), wherever the window starts, and so does a non-converting
 * journey: an account without a deal is one when it touched the campaign from the lookback before
 * the window start to the window end (the accounts the funnel counts as touched). With `--window
 * 30d` (from 2026-10-16) the 12 accounts without a deal, touched on 10-10..10-12, are non-converting
 * journeys as with `--window campaign`, and the credits are the same. Before, a non-converting
 * journey took only touches in the window: with `--window 30d` the chain had no null paths
 * (P(conversion) = 1) and credited acme 816.08 of pipeline instead of 759.05.
 */
import { describe, expect, it } from 'vitest';
import { makeFixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

const JOURNEYS: [string[], number[], number][] = [
  [['acme', 'beta'], [100, 250, 400], 2],
  [['beta'], [300], 3],
  [['acme'], [150, 50], 2],
  [['gamma', 'acme', 'beta'], [500], 1],
  [['gamma'], [], 3],
  [['beta', 'gamma'], [200], 0],
  [['acme', 'acme', 'gamma'], [120], 1],
];

/** Per partner: [deals credited, pipeline credited] (numpy, see above). */
const NUMPY_MARKOV: Record<string, [number, number]> = {
  acme: [3.6759549080981855, 759.0484084596643],
  beta: [3.50248287872726, 1003.012538748025],
  gamma: [1.821562213174555, 307.93905279231046],
};

const YAML = `version: 1
sources:
  - name: crm_opportunities
    entity: opportunities
    kind: file
    path: data/opportunities.csv
    mapping: { opportunity_id: Id, account_id: AccountId, created_at: CreatedDate, closed_at: CloseDate, stage: StageName,
               amount: Amount, currency: Currency, campaign: Campaign }
  - name: crm_contacts
    entity: people
    kind: file
    path: data/contacts.csv
    mapping: { person_id: Email, account_id: AccountId, created_at: CreatedDate }
  - name: crm_touches
    entity: touchpoints
    kind: file
    path: data/touches.csv
    mapping: { person_id: Email, occurred_at: Timestamp, touch_type: Activity, utm_source: Source, utm_medium: Medium,
               utm_campaign: Campaign, partner: Partner }
currency: { reporting: USD }
partners:
  - { id: acme, name: Acme }
  - { id: beta, name: Beta }
  - { id: gamma, name: Gamma }
campaigns:
  - { id: spring, name: Spring Launch, partners: [acme, beta, gamma], start: 2026-10-01, end: 2026-11-30, utm_campaigns: [spring] }
thresholds: { attribution_confidence: 0 }
output: { snapshot: never }
`;

function files(): Record<string, string> {
  const opps = ['Id,AccountId,CreatedDate,CloseDate,StageName,Amount,Currency,Campaign'];
  const people = ['Email,AccountId,CreatedDate'];
  const touches = ['Email,Timestamp,Activity,Source,Medium,Campaign,Partner'];
  let k = 0;
  for (const [path, amounts, withoutDeal] of JOURNEYS) {
    for (const amount of [...amounts, ...new Array<null>(withoutDeal).fill(null)]) {
      k++;
      const email = `p${k}@a${k}.example`;
      people.push(`${email},A${k},2026-09-01`);
      path.forEach((p, j) =>
        touches.push(`${email},2026-10-${10 + j}T09:00:00Z,Webinar Attended,${p},webinar,spring,${p}`),
      );
      if (amount !== null)
        opps.push(`O${k},A${k},2026-10-20T10:00:00Z,2026-12-31,Proposal,${amount},USD,Spring Launch`);
    }
  }
  return {
    'gtm.yaml': YAML,
    'data/opportunities.csv': opps.join('\n') + '\n',
    'data/contacts.csv': people.join('\n') + '\n',
    'data/touches.csv': touches.join('\n') + '\n',
  };
}

interface Result {
  totals: { opportunities: number; pipeline: number };
  journeys: { opportunities: number; non_converting: number };
  by_partner: { key: string; pipeline: number; opportunities: number }[];
}

async function trackSource(window: string): Promise<Result> {
  const ws = await makeFixtureDir(files());
  try {
    const cli = await runCli(
      [
        'track-source',
        '--campaign',
        'spring',
        '--as-of',
        '2026-11-15',
        '--window',
        window,
        '--attribution-model',
        'markov',
        '--json',
      ],
      { cwd: ws.dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } },
    );
    expect(cli.code, cli.stderr).toBe(0);
    return cli.json<Result>();
  } finally {
    await ws.remove();
  }
}

describe('track-source markov against an independent solve of the journeys’ chain', () => {
  it('credits deals and pipeline as the chain of the path summary does (a window holding every touch)', async () => {
    const r = await trackSource('campaign');
    expect(r.totals).toMatchObject({ opportunities: 9, pipeline: 2_070 });
    expect(r.journeys).toMatchObject({ opportunities: 9, non_converting: 12 });
    expect(r.by_partner.map((p) => p.key).sort()).toEqual(['acme', 'beta', 'gamma']);
    for (const p of r.by_partner) {
      const [deals, pipeline] = NUMPY_MARKOV[p.key];
      expect(Math.abs(p.opportunities - deals), p.key).toBeLessThan(1e-9);
      expect(Math.abs(p.pipeline - pipeline), p.key).toBeLessThan(1e-8);
    }
  }, 120_000);

  it('a 30-day window keeps the accounts without a deal touched within the lookback before it', async () => {
    const r = await trackSource('30d');
    expect(r.journeys).toMatchObject({ opportunities: 9, non_converting: 12 });
    for (const p of r.by_partner) {
      const [deals, pipeline] = NUMPY_MARKOV[p.key];
      expect(Math.abs(p.opportunities - deals), p.key).toBeLessThan(1e-9);
      expect(Math.abs(p.pipeline - pipeline), p.key).toBeLessThan(1e-8);
    }
  }, 120_000);
});
