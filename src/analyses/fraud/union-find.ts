/**
 * Disjoint sets over the integers 0..n−1 (Tarjan): union by size and full path compression, so a
 * sequence of m operations costs O(m·α(n)), effectively linear. Two Int32Arrays, no per-node
 * objects: 1M nodes take 8 MB.
 *
 * @example
 * const sets = new UnionFind(4);
 * sets.union(0, 1);
 * sets.find(1) === sets.find(0); // true
 */
export class UnionFind {
  readonly parent: Int32Array;
  /** Set size, valid at roots only. */
  readonly size: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  /** Root of x's set; every node on the way is re-pointed at the root. */
  find(x: number): number {
    const parent = this.parent;
    let root = x;
    while (parent[root] !== root) root = parent[root];
    while (parent[x] !== root) {
      const next = parent[x];
      parent[x] = root;
      x = next;
    }
    return root;
  }

  /** Merges the sets of a and b (smaller under larger); returns the new root. */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if (this.size[ra] < this.size[rb]) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb];
    return ra;
  }
}
