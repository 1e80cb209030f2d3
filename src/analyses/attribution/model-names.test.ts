import { describe, expect, it } from 'vitest';
import { MODEL_NAMES, resolveModelName } from './model-names.ts';

describe('resolveModelName', () => {
  it('maps canonical names, aliases and spelling variants', () => {
    for (const m of MODEL_NAMES) expect(resolveModelName(m)).toBe(m);
    expect(resolveModelName('multi-touch')).toBe('linear');
    expect(resolveModelName('U_shaped')).toBe('position-based');
    expect(resolveModelName('Z-Shaped')).toBe('full-path');
    expect(resolveModelName(' compare ')).toBe('compare');
  });

  it('throws a plain Error listing every valid name', () => {
    expect(() => resolveModelName('best')).toThrow(Error);
    try {
      resolveModelName('best');
    } catch (e) {
      for (const m of [...MODEL_NAMES, 'compare']) expect((e as Error).message).toContain(m);
    }
  });
});
