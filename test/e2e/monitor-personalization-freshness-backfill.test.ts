/**
 * A run for a past as-of (a backfill, or a rerun of an earlier look after more data came in) judges
 * each source's freshness at the end of that as-of, from its latest row before then. It took the
 * source's latest row of all: every source the export had carried on past as-of was "warn: ahead of
 * the run time" ("check clock or time-zone handling", a backlog item), and a source that had stopped
 * days before as-of and resumed after it was not late (an h-per26 check with Optimizely and Braze
 * exports through 2026-12-08, run as of 2026-12-05: decisions and purchases −65.9 h and −67.8 h
 * "ahead"). Rows later than the run itself are still a clock error and stay flagged.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const YAML = `version: 1
sources:
  - { name: dec, entity: decisions, kind: file, path: data/decisions.csv }
  - { name: shop, entity: outcomes, kind: file, path: data/shop.csv }
  - { name: app, entity: outcomes, kind: file, path: data/app.csv }
currency: { reporting: USD }
personalization:
  initiatives: [Onboarding]
  holdout_variants: [hold]
  events: { engagement: [open], conversion: [buy] }
  freshness:
    decisions: { warn_after_hours: 24, error_after_hours: 48 }
    outcomes: { warn_after_hours: 12, error_after_hours: 36 }
output: { snapshot: never }
`;

const day = (d: number) => new Date(Date.UTC(2026, 9, 20) + d * 86_400_000).toISOString().slice(0, 10);

/**
 * Decisions every day 2026-10-20..11-20 at 10:00; `shop` purchases to 11-12 12:00, then again from
 * 11-18 (it stopped before as-of 11-15 and resumed after); `app` opens to 11-15 15:00 and one row
 * dated 2099 (a clock error: later than any run).
 */
function files(): Record<string, string> {
  const dec = ['decision_id,user_id,decided_at,initiative,rule_id,variant,reason'];
  const shop = ['outcome_id,user_id,occurred_at,event,value,currency'];
  const app = ['outcome_id,user_id,occurred_at,event'];
  for (let d = 0; d <= 31; d++) {
    for (let u = 0; u < 4; u++) {
      const id = `u${d}-${u}`;
      dec.push(`d${d}-${u},${id},${day(d)}T10:00:00Z,Onboarding,r1,${u % 2 ? 'hold' : 'va'},SPLIT`);
    }
    const date = day(d);
    if (date <= '2026-11-12' || date >= '2026-11-18') shop.push(`s${d},u${d}-0,${date}T12:00:00Z,buy,40,USD`);
    if (date <= '2026-11-15') app.push(`a${d},u${d}-1,${date}T15:00:00Z,open`);
  }
  app.push('a-future,u1-1,2099-01-01T00:00:00Z,open');
  return {
    'decisions.csv': `${dec.join('\n')}\n`,
    'shop.csv': `${shop.join('\n')}\n`,
    'app.csv': `${app.join('\n')}\n`,
  };
}

const root = mkdtempSync(path.join(tmpdir(), 'gtm-pers-fresh-backfill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Fresh {
  source: string;
  status: string;
  latest: string | null;
  lag_hours: number | null;
}
interface Result {
  anomalies: { freshness: Fresh[]; items: { key: string; direction: string }[] };
  alerts: { id: string; value: number; breached: boolean }[];
  backlog: { items: { id: string }[] };
}

describe('monitor-personalization freshness in a run for a past as-of', () => {
  it('judges each source at the end of as-of; only rows later than the run are ahead', async () => {
    const dir = path.join(root, 'ws');
    mkdirSync(path.join(dir, 'data'), { recursive: true });
    writeFileSync(path.join(dir, 'gtm.yaml'), YAML);
    for (const [name, text] of Object.entries(files())) writeFileSync(path.join(dir, 'data', name), text);
    const cli = await runCli(
      [
        'monitor-personalization',
        '--initiative',
        'Onboarding',
        '--window',
        '14d',
        '--as-of',
        '2026-11-15',
        '--json',
      ],
      { cwd: dir, env: { ...process.env, GTM_SNAPSHOT: 'never' } },
    );
    expect(cli.code, cli.stderr).toBe(0);
    const r = cli.json<Result>();
    const by = Object.fromEntries(r.anomalies.freshness.map((f) => [f.source, f]));
    // decisions go on to 11-20: at the end of 11-15 the latest was 11-15 10:00, 14 h old (warn after 24 h)
    expect(by.dec).toMatchObject({ status: 'ok', latest: '2026-11-15T10:00:00.000Z', lag_hours: 14 });
    // purchases stopped 11-12 12:00 (84 h before the end of 11-15) and resumed 11-18: late at as-of
    expect(by.shop).toMatchObject({ status: 'error', latest: '2026-11-12T12:00:00.000Z', lag_hours: 84 });
    // a row dated 2099 is later than the run itself: a clock error, still flagged
    expect(by.app.status).toBe('warn');
    expect(by.app.latest).toMatch(/^2099-01-01/);
    expect(by.app.lag_hours).toBeLessThan(0);
    const items = r.anomalies.items.filter((i) => i.key.startsWith('data-freshness:'));
    expect(items.map((i) => [i.key, i.direction]).sort()).toEqual([
      ['data-freshness:app', 'neg'],
      ['data-freshness:shop', 'pos'],
    ]);
    const alert = (id: string) => r.alerts.find((a) => a.id === id);
    expect(alert('freshness.dec')).toMatchObject({ value: 14, breached: false });
    expect(alert('freshness.shop')).toMatchObject({ value: 84, breached: true });
    expect(r.backlog.items.map((i) => i.id).filter((id) => id.includes('freshness'))).not.toContain(
      'anomaly-data-freshness:key=dec',
    );
  }, 120_000);
});
