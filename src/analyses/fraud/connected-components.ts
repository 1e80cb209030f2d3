import { FraudInputError } from './fraud-input-error.ts';
import { UnionFind } from './union-find.ts';

export interface ConnectedComponents {
  /** Number of components (isolated nodes count as components of size 1). */
  readonly count: number;
  /** Component of each node, 0..count−1, numbered in order of each component's smallest node. */
  readonly componentOf: Int32Array;
  /** Nodes per component. */
  readonly componentSize: Int32Array;
}

/**
 * Connected components of an undirected graph given as an edge list of integer node ids
 * (`from[i]`–`to[i]`), by union-find. O(n + m·α(n)) time, O(n) extra memory in typed arrays;
 * 2M edges over 1M nodes run in well under a second. Self-loops and repeated edges are harmless.
 *
 * Fed by the ring query: node ids from `dense_rank() OVER (ORDER BY account_id) − 1` over
 * advocates ∪ friends, one edge per pair of accounts sharing an identifier (a star per identifier
 * is enough: first account ↔ each other one).
 *
 * @example
 * const { count, componentOf } = connectedComponents(5, Int32Array.of(0, 1), Int32Array.of(1, 2));
 * // count 3; componentOf = [0, 0, 0, 1, 2]
 */
export function connectedComponents(
  nodeCount: number,
  from: Int32Array,
  to: Int32Array,
): ConnectedComponents {
  if (!Number.isInteger(nodeCount) || nodeCount < 0)
    throw new FraudInputError(`nodeCount must be a non-negative integer, got ${nodeCount}`, {
      field: 'nodeCount',
    });
  if (from.length !== to.length)
    throw new FraudInputError(`edges.from has ${from.length} ids but edges.to has ${to.length}`, {
      field: 'edges.to',
      hint: 'Pass the two endpoint columns of the same edge query.',
    });
  const sets = new UnionFind(nodeCount);
  for (let i = 0; i < from.length; i++) {
    const a = from[i];
    const b = to[i];
    if (a < 0 || a >= nodeCount || b < 0 || b >= nodeCount)
      throw new FraudInputError(`edge ${i} (${a}, ${b}) has a node id outside 0..${nodeCount - 1}`, {
        field: a < 0 || a >= nodeCount ? 'edges.from' : 'edges.to',
        index: i,
        hint: 'Number nodes densely from 0 (dense_rank() − 1) and pass the node count.',
      });
    if (a !== b) sets.union(a, b);
  }
  const componentOf = new Int32Array(nodeCount);
  const labelOfRoot = new Int32Array(nodeCount).fill(-1);
  let count = 0;
  for (let i = 0; i < nodeCount; i++) {
    const root = sets.find(i);
    if (labelOfRoot[root] < 0) labelOfRoot[root] = count++;
    componentOf[i] = labelOfRoot[root];
  }
  const componentSize = new Int32Array(count);
  for (let i = 0; i < nodeCount; i++) componentSize[componentOf[i]]++;
  return { count, componentOf, componentSize };
}
