import { describe, expect, it } from 'vitest';
import {
  bumpSchemaVer,
  compareSchemaVer,
  formatSchemaVer,
  isSchemaVer,
  parseSchemaVer,
} from './schema-ver.ts';

describe('SchemaVer', () => {
  it('parses MODEL-REVISION-ADDITION and Segment integer versions', () => {
    expect(parseSchemaVer('2-1-3')).toEqual({ model: 2, revision: 1, addition: 3 });
    expect(parseSchemaVer(4)).toEqual({ model: 4, revision: 0, addition: 0 });
    expect(parseSchemaVer('7')).toEqual({ model: 7, revision: 0, addition: 0 });
    expect(formatSchemaVer(parseSchemaVer('10-0-12'))).toBe('10-0-12');
  });

  it('rejects what SchemaVer forbids', () => {
    for (const bad of ['0-1-0', '1-01-0', '1.0.0', '1-0', '', 'v1-0-0']) {
      expect(isSchemaVer(bad)).toBe(false);
      expect(() => parseSchemaVer(bad)).toThrow(/SchemaVer/);
    }
  });

  it('orders versions part by part', () => {
    const sorted = ['2-0-0', '1-10-0', '1-2-9', '1-2-10']
      .map((v) => parseSchemaVer(v))
      .sort(compareSchemaVer)
      .map(formatSchemaVer);
    expect(sorted).toEqual(['1-2-9', '1-2-10', '1-10-0', '2-0-0']);
  });

  it('bumps reset the lower parts', () => {
    expect(bumpSchemaVer('1-2-3', 'model')).toBe('2-0-0');
    expect(bumpSchemaVer('1-2-3', 'revision')).toBe('1-3-0');
    expect(bumpSchemaVer('1-2-3', 'addition')).toBe('1-2-4');
  });
});
