import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { generateDemo } from '../../../src/demo/index.ts';
import { parseCsv } from '../../helpers/csv-parse.ts';

const opts = { seed: 7, asOf: '2026-11-15', accounts: 300 };
const file = (files: { path: string; content: string }[], p: string) =>
  files.find((f) => f.path === p)!.content;

describe('generateDemo', () => {
  it('is identical for the same seed and as-of, and differs for another seed', () => {
    const a = generateDemo(opts);
    const b = generateDemo(opts);
    expect(b).toEqual(a);
    const c = generateDemo({ ...opts, seed: 8 });
    expect(file(c.files, 'data/crm/opportunities.csv')).not.toBe(file(a.files, 'data/crm/opportunities.csv'));
  });

  it('plants rejects whose file and line hold the bad value', () => {
    const { files, truth } = generateDemo(opts);
    expect(truth.rejects).toHaveLength(2);
    for (const r of truth.rejects) {
      const line = file(files, r.file).split('\n')[r.row - 1];
      if (r.reason === 'occurred_at') expect(JSON.parse(line).timestamp).toBe('not-a-date');
      else expect(line.split(',')[7]).toBe('CHF');
    }
  });

  it("sets the reject limit above its planted rows' share of a small demo's sources, 0.005 otherwise", () => {
    const limitOf = (accounts: number) => {
      const { files, truth } = generateDemo({ ...opts, accounts });
      const cfg = parseYaml(file(files, 'gtm.yaml')) as { thresholds: { max_reject_rate: number } };
      const rates = truth.rejects.map((r) => {
        expect(r.source_rows).toBeGreaterThan(0);
        return 1 / r.source_rows;
      });
      return { limit: cfg.thresholds.max_reject_rate, worst: Math.max(...rates), truth };
    };
    for (const accounts of [10, 50, 200, 1000]) {
      const { limit, worst, truth } = limitOf(accounts);
      expect(limit, String(accounts)).toBeGreaterThanOrEqual(worst);
      expect(limit, String(accounts)).toBeLessThan(worst + 0.0011);
      expect(truth.rejects.find((r) => r.source === 'crm_opportunities')?.source_rows).toBe(
        truth.opportunities.total,
      );
    }
    expect(limitOf(10).limit).toBe(0.334); // 1 of 3 opportunities
    expect(limitOf(3000).limit).toBe(0.005);
  });

  it('writes a config whose rates cover every currency it uses except the planted one', () => {
    const { files } = generateDemo(opts);
    const cfg = parseYaml(file(files, 'gtm.yaml')) as {
      currency: { rates: { currency: string }[] };
      campaigns: { name: string }[];
    };
    const rated = new Set(['USD', ...cfg.currency.rates.map((r) => r.currency)]);
    const used = new Set(parseCsv(file(files, 'data/crm/opportunities.csv')).map((o) => o.CurrencyIsoCode));
    expect([...used].filter((c) => !rated.has(c))).toEqual(['CHF']);
    expect(used.size).toBeGreaterThanOrEqual(3);
    expect(cfg.campaigns[0].name).toBe('AI Launch Tour');
  });

  it('keeps its truth consistent with the files', () => {
    const { files, truth } = generateDemo(opts);
    expect(truth.opportunities.total).toBe(parseCsv(file(files, 'data/crm/opportunities.csv')).length);
    expect(truth.duplicates.opportunities_cross_source).toBe(
      parseCsv(file(files, 'data/partners/quantia/co_sell_deals.csv')).length,
    );
    expect(truth.people).toBe(parseCsv(file(files, 'data/crm/contacts.csv')).length);
    expect(JSON.parse(file(files, 'data/_truth.json'))).toEqual(truth);
    expect(truth.campaign).toEqual({ start: '2026-09-01', end: '2026-11-30' });
  });
});
