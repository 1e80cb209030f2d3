/**
 * track-source on exports of one Salesforce org that write record ids in both forms: the
 * opportunity and contact reports in 15 characters (case-sensitive), the campaign-member and
 * opportunity-history exports (Data Loader) in 18 (the 15 plus the checksum of their letter case).
 * Joined as written, no deal met its touches: attribution confidence 0 of 7,500 of pipeline.
 *
 * Worked by hand (linear model, campaign Spring, as-of 2026-04-01), the 18-character forms computed
 * from the published algorithm (src/data/normalize/salesforce-id.test.ts checks it on published ids):
 * - Northwind 0013k00002crTPa = 0013k00002crTPaAAM: deal 1,000, one email touch → email 1,000.
 * - Contoso 0015g00000Lm2Np = …AAJ: deal 2,000, a paid_social touch (3/6) and an email one (3/9)
 *   → 1,000 each. Its history (18 characters) moved it to Proposal/Price Quote on 3/25.
 * - Fabrikam 0015g00000LM2NP (the same letters in another case: another account, 18 = …AA1): deal
 *   1,000, no touch → unattributed (a case-insensitive join would credit it Contoso's touches).
 * - Litware 0015g00000Qr7St: deal 1,000, no touch → unattributed.
 * - Adatum 0015g00000Uv9Wx: deal 2,500; its contact 0035g00000Op6Qr's campaign member has no
 *   account, the contacts report (15) gives it → paid_social 2,500.
 * Pipeline 7,500; matched 1,000 + 2,000 + 2,500 = 5,500 (0.7333…); paid_social 3,500, email 2,000,
 * unattributed 2 deals, 2,000. Reached proposal (house): Northwind, Contoso (history), Adatum = 3.
 * Records written both ways: accounts Northwind and Contoso (2), the 4 contacts, Contoso's deal (1).
 *
 * A workspace of another CRM's 15-character ids (hex and 15-digit) joins as written, with no warning.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackSourceResult } from '../../src/commands/track-source/index.ts';
import { describeOnClickHouse, runOnClickHouse } from '../helpers/clickhouse-parity.ts';
import { runCli } from '../helpers/run-cli.ts';

const yaml = (idFormat?: string) => `version: 1
sources:
  - name: opportunity_report
    entity: opportunities
    kind: file
    path: data/opportunity_report.csv
    mapping: { opportunity_id: Opportunity ID, account_id: Account ID, stage: Stage, amount: Amount, created_at: Created Date, campaign: Primary Campaign Source }${idFormat ? `\n    id_format: ${idFormat}` : ''}
  - name: campaign_members
    entity: touchpoints
    kind: file
    path: data/campaign_members.csv
    mapping: { touch_id: Id, person_id: ContactId, account_id: Contact.AccountId, occurred_at: CreatedDate, utm_campaign: Campaign.Name, utm_source: LeadSource, utm_medium: Medium }${idFormat ? `\n    id_format: ${idFormat}` : ''}
  - name: contacts_report
    entity: people
    kind: file
    path: data/contacts_report.csv
    mapping: { person_id: Contact ID, account_id: Account ID, created_at: Created Date }${idFormat ? `\n    id_format: ${idFormat}` : ''}
  - name: opportunity_history
    entity: stage_history
    kind: file
    path: data/opportunity_history.csv
    mapping: { opportunity_id: OpportunityId, stage: StageName, changed_at: CreatedDate }${idFormat ? `\n    id_format: ${idFormat}` : ''}
currency: { reporting: USD }
partners: [{ id: acme, name: Acme }]
campaigns:
  - { id: spring, name: Spring, partners: [acme], start: 2026-03-01, end: 2026-03-31, utm_campaigns: [spring], lookback_days: 30 }
`;

/** A Salesforce opportunity report (CSV as the report exports it: quoted, CRLF, m/d/yyyy, $). */
const OPPORTUNITY_REPORT = [
  '"Opportunity ID","Account ID","Opportunity Name","Stage","Amount","Created Date","Primary Campaign Source"',
  '"0065g00000Pq1Rs","0013k00002crTPa","Northwind renewal","Proposal/Price Quote","$1,000.00","3/10/2026","Spring"',
  '"0065g00000Tu2Vw","0015g00000Lm2Np","Contoso platform","Prospecting","$2,000.00","3/12/2026","Spring"',
  '"0065g00000xY3zA","0015g00000LM2NP","Fabrikam pilot","Prospecting","$1,000.00","3/12/2026","Spring"',
  '"0065g00000Bc4De","0015g00000Qr7St","Litware expansion","Qualification","$1,000.00","3/15/2026","Spring"',
  '"0065g00000Fg5Hi","0015g00000Uv9Wx","Adatum new logo","Negotiation/Review","$2,500.00","3/20/2026","Spring"',
];

/** CampaignMember through Data Loader: 18-character ids. */
const CAMPAIGN_MEMBERS = [
  'Id,ContactId,Contact.AccountId,CreatedDate,Campaign.Name,LeadSource,Medium',
  '00v5g00000aB1cDAAS,0035g00000Gh4IjAAJ,0013k00002crTPaAAM,2026-03-05T10:00:00.000Z,Spring,newsletter,email',
  '00v5g00000eF2gHAAS,0035g00000kL5mNAAS,0015g00000Lm2NpAAJ,2026-03-06T09:00:00.000Z,Spring,linkedin,paid_social',
  '00v5g00000iJ3kLAAS,0035g00000Op6QrAAJ,,2026-03-08T12:00:00.000Z,Spring,linkedin,paid_social',
  '00v5g00000mN4oPAAS,0035g00000sT7uVAAS,0015g00000Lm2NpAAJ,2026-03-09T12:00:00.000Z,Spring,newsletter,email',
];

/** A contacts report: 15-character ids. */
const CONTACTS_REPORT = [
  '"Contact ID","Account ID","Created Date"',
  '"0035g00000Gh4Ij","0013k00002crTPa","1/15/2026"',
  '"0035g00000kL5mN","0015g00000Lm2Np","2/2/2026"',
  '"0035g00000Op6Qr","0015g00000Uv9Wx","2/20/2026"',
  '"0035g00000sT7uV","0015g00000Lm2Np","2/25/2026"',
];

/** OpportunityHistory through Data Loader: 18-character ids. */
const OPPORTUNITY_HISTORY = [
  'OpportunityId,StageName,CreatedDate',
  '0065g00000Tu2VwAAJ,Prospecting,2026-03-12T15:00:00.000Z',
  '0065g00000Tu2VwAAJ,Proposal/Price Quote,2026-03-25T15:00:00.000Z',
];

const ARGV = [
  'track-source',
  '--campaign',
  'spring',
  '--window',
  'campaign',
  '--as-of',
  '2026-04-01',
  '--no-snapshot',
];

async function workspace(files: Record<string, string[]>, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gtm-sfid-'));
  await mkdir(path.join(dir, 'data'), { recursive: true });
  await writeFile(path.join(dir, 'gtm.yaml'), text);
  for (const [name, lines] of Object.entries(files)) {
    // the reports as Salesforce writes them (CRLF), the Data Loader files with LF
    const eol = name.endsWith('report.csv') ? '\r\n' : '\n';
    await writeFile(path.join(dir, 'data', name), lines.map((l) => l + eol).join(''));
  }
  return dir;
}

const SALESFORCE = {
  'opportunity_report.csv': OPPORTUNITY_REPORT,
  'campaign_members.csv': CAMPAIGN_MEMBERS,
  'contacts_report.csv': CONTACTS_REPORT,
  'opportunity_history.csv': OPPORTUNITY_HISTORY,
};

/** What the tests compare: confidence, channels, unattributed, proposal reached. */
function summary(r: TrackSourceResult) {
  return {
    matched: r.confidence.matched_pipeline,
    unmatched: r.confidence.unmatched_pipeline,
    confidence: Number(r.confidence.value?.toFixed(6)),
    channels: Object.fromEntries(r.by_channel.map((row) => [row.key, row.pipeline])),
    unattributed: r.unattributed.opportunities,
    reachedProposal: r.insights.dropoff?.by_partner.find((p) => p.value === 'house')?.reached_proposal ?? 0,
  };
}

const EXPECTED = {
  matched: 5500,
  unmatched: 2000,
  confidence: Number((5500 / 7500).toFixed(6)),
  channels: { paid_social: 3500, email: 2000 },
  unattributed: 2,
  reachedProposal: 3,
};

/** The warning lines, one per kind of id written both ways. */
const LINES = [
  'Salesforce ids: 2 account ids are written in 15 characters in opportunity_report, contacts_report and in 18 in campaign_members, and joined as one record each; the 15-character ids of opportunity_report.account_id (5), contacts_report.account_id (3) are read in their 18-character form (id_format: as_is on a source keeps its ids as written)',
  'Salesforce ids: 4 person ids are written in 15 characters in contacts_report and in 18 in campaign_members, and joined as one record each; the 15-character ids of contacts_report.person_id (4) are read in their 18-character form (id_format: as_is on a source keeps its ids as written)',
  'Salesforce ids: 1 opportunity id is written in 15 characters in opportunity_report and in 18 in opportunity_history, and joined as one record; the 15-character ids of opportunity_report.opportunity_id (5) are read in their 18-character form (id_format: as_is on a source keeps its ids as written)',
];

const warnings = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.includes('Salesforce ids:'))
    .map((l) => l.replace(/^.*?Salesforce ids:/, 'Salesforce ids:').trim());

describe('track-source: Salesforce ids in 15 and 18 characters', () => {
  let dir: string;
  beforeAll(async () => (dir = await workspace(SALESFORCE, yaml())));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('joins the two forms of each id: the attribution worked by hand, one warning per kind of id', async () => {
    const cli = await runCli(ARGV, { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
    expect(summary(cli.json<TrackSourceResult>())).toEqual(EXPECTED);
    expect(warnings(cli.stderr)).toEqual(LINES);
  });

  it('id_format: as_is keeps the ids as written (nothing joins, no warning)', async () => {
    const asIs = await workspace(SALESFORCE, yaml('as_is'));
    try {
      const cli = await runCli(ARGV, { cwd: asIs });
      expect(cli.code, cli.stderr).toBe(0);
      const r = summary(cli.json<TrackSourceResult>());
      expect([r.matched, r.unmatched, r.unattributed]).toEqual([0, 7500, 5]);
      expect(warnings(cli.stderr)).toEqual([]);
    } finally {
      await rm(asIs, { recursive: true, force: true });
    }
  });

  it("another CRM's 15-character ids (hex, 15 digits) join as written, with no warning", async () => {
    // the same workspace with every id replaced by a HubSpot-style 15-digit id or a hex one, both
    // forms of a Salesforce id becoming the same value (so that the joins by hand are unchanged)
    const other = new Map<string, string>();
    const ids = (s: string) => s.match(/\b0[0-9a-zA-Z]{14}(?:[A-Z0-5]{3})?\b/g) ?? [];
    for (const line of Object.values(SALESFORCE).flat())
      for (const id of ids(line)) {
        const id15 = id.slice(0, 15);
        if (!other.has(id15))
          other.set(
            id15,
            other.size % 2
              ? `5${10 ** 13 + other.size}`
              : `a3f9c2e17b4d${String(other.size).padStart(3, '0')}`,
          );
      }
    const files = Object.fromEntries(
      Object.entries(SALESFORCE).map(([name, lines]) => [
        name,
        lines.map((l) =>
          ids(l).reduce((acc, id) => acc.replace(id, other.get(id.slice(0, 15)) as string), l),
        ),
      ]),
    );
    expect([...other.values()].every((v) => v.length === 15 && /^[0-9a-f]+$/.test(v))).toBe(true);
    const hub = await workspace(files, yaml());
    try {
      const cli = await runCli(ARGV, { cwd: hub });
      expect(cli.code, cli.stderr).toBe(0);
      // Fabrikam's id differed from Contoso's by letter case only: here it is a value of its own
      expect(summary(cli.json<TrackSourceResult>())).toEqual(EXPECTED);
      expect(warnings(cli.stderr)).toEqual([]);
    } finally {
      await rm(hub, { recursive: true, force: true });
    }
  });
});

describeOnClickHouse('ClickHouse 18.16 joins them the same way', (ch) => {
  it('gives the same attribution and warning lines from the server tables', async () => {
    const dir = await workspace(SALESFORCE, yaml());
    try {
      const cli = await runOnClickHouse(ch, dir, yaml(), ARGV, 'salesforce_ids');
      expect(cli.code, cli.stderr).toBe(0);
      expect(summary(cli.json<TrackSourceResult>())).toEqual(EXPECTED);
      expect(warnings(cli.stderr)).toEqual(LINES);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
