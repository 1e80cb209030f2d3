import { describe, expect, it } from 'vitest';
import { createRng } from '../attribution/create-rng.ts';
import { connectedComponents } from './connected-components.ts';
import { FraudInputError } from './fraud-input-error.ts';
import { UnionFind } from './union-find.ts';

/** Independent check: breadth-first search over adjacency lists, labels in order of smallest node. */
function bfsComponents(n: number, from: Int32Array, to: Int32Array): Int32Array {
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  for (let e = 0; e < from.length; e++) {
    adjacency[from[e]].push(to[e]);
    adjacency[to[e]].push(from[e]);
  }
  const label = new Int32Array(n).fill(-1);
  let next = 0;
  for (let s = 0; s < n; s++) {
    if (label[s] >= 0) continue;
    const queue = [s];
    label[s] = next;
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of adjacency[v])
        if (label[w] < 0) {
          label[w] = next;
          queue.push(w);
        }
    }
    next++;
  }
  return label;
}

describe('connectedComponents', () => {
  it('hand example: 0–1–2, 3 alone, 4–5, self-loop and duplicate edges', () => {
    const from = Int32Array.of(0, 1, 4, 3, 1);
    const to = Int32Array.of(1, 2, 5, 3, 0);
    const c = connectedComponents(6, from, to);
    expect(c.count).toBe(3);
    expect([...c.componentOf]).toEqual([0, 0, 0, 1, 2, 2]);
    expect([...c.componentSize]).toEqual([3, 1, 2]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('matches brute-force BFS on random graph (seed %i)', (seed) => {
    const rng = createRng(seed);
    const n = 1 + (rng.nextUint32() % 200);
    // from very sparse (many singletons) to dense (one component)
    const m = rng.nextUint32() % (2 * n);
    const from = new Int32Array(m);
    const to = new Int32Array(m);
    for (let e = 0; e < m; e++) {
      from[e] = rng.nextUint32() % n;
      to[e] = rng.nextUint32() % n;
    }
    const c = connectedComponents(n, from, to);
    const expected = bfsComponents(n, from, to);
    expect([...c.componentOf]).toEqual([...expected]);
    expect(c.count).toBe(Math.max(...expected) + 1);
    const sizes = new Array(c.count).fill(0);
    for (const l of expected) sizes[l]++;
    expect([...c.componentSize]).toEqual(sizes);
  });

  it('no nodes, no edges', () => {
    expect(connectedComponents(0, new Int32Array(0), new Int32Array(0)).count).toBe(0);
    expect(connectedComponents(3, new Int32Array(0), new Int32Array(0)).count).toBe(3);
  });

  it('rejects mismatched columns and ids outside the graph, naming the edge', () => {
    expect(() => connectedComponents(3, Int32Array.of(0), new Int32Array(0))).toThrow(FraudInputError);
    try {
      connectedComponents(3, Int32Array.of(0, 1), Int32Array.of(1, 3));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FraudInputError);
      expect((e as FraudInputError).index).toBe(1);
      expect((e as FraudInputError).field).toBe('edges.to');
    }
  });
});

describe('UnionFind', () => {
  it('union by size keeps the larger root; find compresses the path', () => {
    const u = new UnionFind(5);
    u.union(0, 1);
    u.union(2, 3);
    u.union(3, 4); // {2,3,4} size 3
    const root = u.union(0, 4); // {0,1} goes under the bigger set's root
    expect(root).toBe(u.find(2));
    expect(u.size[root]).toBe(5);
    for (let i = 0; i < 5; i++) expect(u.find(i)).toBe(root);
    for (let i = 0; i < 5; i++) expect(u.parent[i]).toBe(root); // fully compressed after the finds
  });
});
