import { describe, expect, it } from 'vitest';
import { splitLines } from './clickhouse-engine.ts';

async function* chunked(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('splitLines (ClickHouse TabSeparated streams)', () => {
  it('decodes characters split across chunks whole, at every chunk size', async () => {
    const text = 'Zoë\t1\n東京\t2\n🙂 café\t3\nlast';
    const bytes = new TextEncoder().encode(text);
    for (let size = 1; size <= bytes.length; size++) {
      const lines: string[] = [];
      const n = await splitLines(chunked(bytes, size), (l) => lines.push(l));
      expect(lines, `chunks of ${size} bytes`).toEqual(text.split('\n'));
      expect(n).toBe(4);
    }
  });

  it('counts no trailing empty line after a final newline', async () => {
    const lines: string[] = [];
    expect(await splitLines(chunked(new TextEncoder().encode('a\nb\n'), 3), (l) => lines.push(l))).toBe(2);
    expect(lines).toEqual(['a', 'b']);
  });
});
