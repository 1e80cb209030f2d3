import { describe, expect, it } from 'vitest';
import { canonicalJson, changeLog, diffSettings, fieldPath } from './change-log.ts';

describe('diffSettings', () => {
  it('reports model, source, threshold and cadence changes by dotted field', () => {
    const before = {
      model: 'last-touch',
      sources: { crm: 'h1', web: 'w1' },
      thresholds: { roas: 1.5, ctr: 0.01 },
      cadence: 'weekly',
    };
    const after = {
      model: 'position-based',
      sources: { crm: 'h2', ads: 'a1' },
      thresholds: { roas: 1.5 },
      cadence: 'daily',
    };
    expect(diffSettings(before, after)).toEqual([
      { field: 'model', change: 'changed', from: 'last-touch', to: 'position-based' },
      { field: 'sources.crm', change: 'changed', from: 'h1', to: 'h2' },
      { field: 'sources.web', change: 'removed', from: 'w1', to: null },
      { field: 'sources.ads', change: 'added', from: null, to: 'a1' },
      { field: 'thresholds.ctr', change: 'removed', from: 0.01, to: null },
      { field: 'cadence', change: 'changed', from: 'weekly', to: 'daily' },
    ]);
  });

  it('finds nothing when only key order differs', () => {
    expect(diffSettings({ a: 1, b: { x: [1, 2], y: 2 } }, { b: { y: 2, x: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('descends into added and removed objects down to their leaves', () => {
    expect(diffSettings({}, { thresholds: { roas: 1.5, fraud: 0.05 } })).toEqual([
      { field: 'thresholds.roas', change: 'added', from: null, to: 1.5 },
      { field: 'thresholds.fraud', change: 'added', from: null, to: 0.05 },
    ]);
    expect(diffSettings({ extra: {} }, {})).toEqual([
      { field: 'extra', change: 'removed', from: {}, to: null },
    ]);
  });

  it('treats arrays and type changes as one change', () => {
    expect(diffSettings({ d: ['partner', 'channel'] }, { d: ['partner'] })).toEqual([
      { field: 'd', change: 'changed', from: ['partner', 'channel'], to: ['partner'] },
    ]);
    expect(diffSettings({ sources: 'all' }, { sources: { crm: 'h' } })).toEqual([
      { field: 'sources', change: 'changed', from: 'all', to: { crm: 'h' } },
    ]);
  });

  it('quotes keys that are not identifiers', () => {
    expect(fieldPath('sources', 'orders.csv')).toBe('sources["orders.csv"]');
    expect(fieldPath('sources', 'crm-export')).toBe('sources.crm-export');
    expect(diffSettings({ sources: {} }, { sources: { 'a b': 'h' } })[0].field).toBe('sources["a b"]');
  });
});

describe('changeLog', () => {
  it('has one initial entry on the first run', () => {
    expect(changeLog(null, { model: 'linear' })).toEqual([
      { field: 'settings', change: 'initial', from: null, to: { model: 'linear' } },
    ]);
  });

  it('is empty when nothing changed', () => {
    expect(changeLog({ settings: { model: 'linear' } }, { model: 'linear' })).toEqual([]);
  });

  it('canonicalJson sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
});
