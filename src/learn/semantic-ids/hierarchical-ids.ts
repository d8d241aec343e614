/**
 * Hierarchical k-means document ids, the "semantically structured
 * identifiers" of DSI (Tay et al., "Transformer Memory as a Differentiable
 * Search Index", NeurIPS 2022): the documents are split into `branching`
 * clusters by k-means, each cluster with more than `leafSize` documents is
 * split again, and so on; a document's id is the path of cluster numbers from
 * the root, then its position in its leaf. Ids have different lengths, and
 * documents sharing a prefix lie in the same cluster at that depth.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { kmeans } from '../../quantize/kmeans.js';
import { NearestCentroids } from '../../quantize/nearest-centroids.js';
import { checkPositiveInteger } from '../../core/checks.js';

/** Settings of hierarchical ids. */
export interface HierarchicalIdOptions {
  /** Clusters per split (DSI: 10). */
  branching?: number;
  /** Largest leaf: a cluster this small is not split again (DSI: 100). */
  leafSize?: number;
  /** Seed of the first split's k-means (each later split uses the next seed). */
  seed?: number;
  /** Lloyd iterations per split. */
  iterations?: number;
  /** Each split's k-means is fitted on an even sample of at most this many rows. */
  maxTrainRows?: number;
}

/** A node of the cluster tree: a split (centroids, one child per cluster; null for a cluster left empty) or a leaf. */
export interface HierarchyNode {
  /** The split's centroids (children.length rows of dim), or null for a leaf. */
  centroids: Float32Array | null;
  children: (HierarchyNode | null)[];
  /** Rows in the leaf (0 for splits). */
  leafRows: number;
}

/** How the tree came out. */
export interface HierarchicalIdStats {
  rows: number;
  leaves: number;
  largestLeaf: number;
  /** Tokens of the longest and the average id (the leaf position included). */
  longestId: number;
  meanIdLength: number;
}

/** Every row's id: tokens[offsets[r] .. offsets[r + 1]). */
export interface HierarchicalIds {
  offsets: Uint32Array;
  tokens: Uint32Array;
  tree: HierarchyNode;
  stats: HierarchicalIdStats;
}

function checkedOptions(opts: HierarchicalIdOptions): Required<HierarchicalIdOptions> {
  const o = { branching: 10, leafSize: 100, seed: 42, iterations: 20, maxTrainRows: 65536, ...opts };
  if (!Number.isInteger(o.branching) || o.branching < 2 || o.branching > 65536) {
    throw new QuarryError('BAD_ARGUMENT', `branching must be an integer from 2 to 65536, got ${o.branching}`, { field: 'branching' });
  }
  checkPositiveInteger(o.leafSize, 'leafSize');
  checkPositiveInteger(o.iterations, 'iterations');
  if (!Number.isInteger(o.maxTrainRows) || o.maxTrainRows < o.branching) {
    throw new QuarryError('BAD_ARGUMENT', `maxTrainRows must be an integer of at least branching (${o.branching}), got ${o.maxTrainRows}`, {
      field: 'maxTrainRows',
    });
  }
  return o;
}

/** A cluster still to be placed in the tree. */
interface Pending {
  rows: Int32Array;
  path: number[];
  /** Where the node goes once built. */
  attach: (node: HierarchyNode) => void;
}

/**
 * Builds the cluster tree over rows of `dim` and gives every row its id.
 * Reproducible for a given seed. `onRows` is told how many rows have reached
 * their leaf (for progress bars).
 */
export function fitHierarchicalIds(
  data: Float32Array,
  dim: number,
  options: HierarchicalIdOptions = {},
  onRows?: (placed: number, total: number) => void,
): HierarchicalIds {
  const o = checkedOptions(options);
  if (!Number.isInteger(dim) || dim < 1 || data.length % dim !== 0) {
    throw new QuarryError('BAD_ARGUMENT', `the data length (${data.length}) is not a multiple of the dimension (${dim})`, { field: 'dim' });
  }
  const n = data.length / dim;
  // A leaf's rows get their ids at the end, from the leaf's path and their position.
  const leafPath: number[][] = [];
  const leafOf = new Int32Array(n);
  const positionInLeaf = new Int32Array(n);
  let root: HierarchyNode = { centroids: null, children: [], leafRows: n };
  const all = new Int32Array(n);
  for (let r = 0; r < n; r++) all[r] = r;
  const stack: Pending[] = [{ rows: all, path: [], attach: (node) => (root = node) }];
  let seed = o.seed;
  let placed = 0;
  let largestLeaf = 0;
  while (stack.length > 0) {
    const { rows, path, attach } = stack.pop()!;
    const m = rows.length;
    if (m <= o.leafSize) {
      const leaf = leafPath.push(path) - 1;
      for (let i = 0; i < m; i++) {
        leafOf[rows[i]!] = leaf;
        positionInLeaf[rows[i]!] = i;
      }
      if (m > largestLeaf) largestLeaf = m;
      placed += m;
      onRows?.(placed, n);
      attach({ centroids: null, children: [], leafRows: m });
      continue;
    }
    const sub = gatherRows(data, dim, rows);
    const k = Math.min(o.branching, m);
    const { centroids } = kmeans(sub, dim, { k, seed: seed++, iterations: o.iterations, maxTrainRows: o.maxTrainRows });
    const assign = new Int32Array(m);
    new NearestCentroids(sub, dim, k * dim).assign(0, dim, centroids, k, assign, new Float32Array(m));
    const sizes = new Int32Array(k);
    for (let i = 0; i < m; i++) sizes[assign[i]!]!++;
    // Identical vectors cannot be told apart by k-means: cut them into k runs
    // instead, so that every split makes progress and the tree stays finite.
    if (sizes.some((s) => s === m)) {
      for (let i = 0; i < m; i++) assign[i] = Math.floor((i * k) / m);
      sizes.fill(0);
      for (let i = 0; i < m; i++) sizes[assign[i]!]!++;
    }
    const node: HierarchyNode = { centroids, children: new Array<HierarchyNode | null>(k).fill(null), leafRows: 0 };
    attach(node);
    const members = membersByCluster(rows, assign, sizes);
    // Pushed in reverse so the first cluster is built first (depth-first, in cluster order).
    for (let c = k - 1; c >= 0; c--) {
      if (sizes[c] === 0) continue;
      stack.push({ rows: members[c]!, path: [...path, c], attach: (child) => (node.children[c] = child) });
    }
  }
  return { ...idsFromLeaves(leafPath, leafOf, positionInLeaf, largestLeaf), tree: root };
}

/** Every row's id from its leaf's path and its position in the leaf. */
function idsFromLeaves(
  leafPath: number[][],
  leafOf: Int32Array,
  positionInLeaf: Int32Array,
  largestLeaf: number,
): Omit<HierarchicalIds, 'tree'> {
  const n = leafOf.length;
  const offsets = new Uint32Array(n + 1);
  for (let r = 0; r < n; r++) offsets[r + 1] = offsets[r]! + leafPath[leafOf[r]!]!.length + 1;
  const tokens = new Uint32Array(offsets[n]!);
  let longestId = 0;
  for (let r = 0; r < n; r++) {
    const path = leafPath[leafOf[r]!]!;
    tokens.set(path, offsets[r]!);
    tokens[offsets[r]! + path.length] = positionInLeaf[r]!;
    if (path.length + 1 > longestId) longestId = path.length + 1;
  }
  return {
    offsets,
    tokens,
    stats: { rows: n, leaves: leafPath.length, largestLeaf, longestId, meanIdLength: n === 0 ? 0 : offsets[n]! / n },
  };
}

/**
 * Ids of rows in a tree fitted before (e.g. read back with readHierarchy): each
 * row descends to the nearest centroid at every split (among clusters that got
 * rows), the same assignment the fit made, and is numbered in its leaf in input
 * order. Coding the fitted rows again, in their order, with new rows after
 * them, gives every fitted row the id the fit gave it (except rows k-means
 * could not tell apart, which the fit cut into runs) and the new rows the next
 * positions of their leaves. Leaves may grow past the fit's leaf size.
 * `stats.leaves` counts the leaves that got rows.
 */
export function codeHierarchicalIds(
  tree: HierarchyNode,
  data: Float32Array,
  dim: number,
  onRows?: (placed: number, total: number) => void,
): HierarchicalIds {
  if (!Number.isInteger(dim) || dim < 1 || data.length % dim !== 0) {
    throw new QuarryError('BAD_ARGUMENT', `the data length (${data.length}) is not a multiple of the dimension (${dim})`, { field: 'dim' });
  }
  if (tree.centroids !== null && tree.centroids.length !== tree.children.length * dim) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the tree's centroids have ${tree.centroids.length / tree.children.length} dimensions, the rows ${dim}`,
      { field: 'dim' },
    );
  }
  const n = data.length / dim;
  const leafPath: number[][] = [];
  const leafOf = new Int32Array(n);
  const positionInLeaf = new Int32Array(n);
  const all = new Int32Array(n);
  for (let r = 0; r < n; r++) all[r] = r;
  const stack: Array<{ rows: Int32Array; path: number[]; node: HierarchyNode }> = [{ rows: all, path: [], node: tree }];
  let placed = 0;
  let largestLeaf = 0;
  while (stack.length > 0) {
    const { rows, path, node } = stack.pop()!;
    const m = rows.length;
    if (node.centroids === null) {
      const leaf = leafPath.push(path) - 1;
      for (let i = 0; i < m; i++) {
        leafOf[rows[i]!] = leaf;
        positionInLeaf[rows[i]!] = i;
      }
      largestLeaf = Math.max(largestLeaf, m);
      placed += m;
      onRows?.(placed, n);
      continue;
    }
    const k = node.children.length;
    const sub = gatherRows(data, dim, rows);
    // the same nearest-centroid assignment as the fit's (same kernel, same centroids)
    const assign = new Int32Array(m);
    new NearestCentroids(sub, dim, k * dim).assign(0, dim, node.centroids, k, assign, new Float32Array(m));
    for (let i = 0; i < m; i++) if (node.children[assign[i]!] === null) assign[i] = nearestLiveChild(node, sub, i * dim, dim);
    const sizes = new Int32Array(k);
    for (let i = 0; i < m; i++) sizes[assign[i]!]!++;
    const members = membersByCluster(rows, assign, sizes);
    for (let c = k - 1; c >= 0; c--) if (sizes[c]! > 0) stack.push({ rows: members[c]!, path: [...path, c], node: node.children[c]! });
  }
  return { ...idsFromLeaves(leafPath, leafOf, positionInLeaf, largestLeaf), tree };
}

/** The nearest centroid of a split among the clusters that got rows. */
function nearestLiveChild(node: HierarchyNode, v: Float32Array, off: number, dim: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let c = 0; c < node.children.length; c++) {
    if (node.children[c] === null) continue;
    let d = 0;
    for (let j = 0; j < dim; j++) {
      const x = v[off + j]! - node.centroids![c * dim + j]!;
      d += x * x;
    }
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * The path of cluster numbers a new vector descends along (nearest centroid
 * at each split, among clusters that got rows) down to a leaf: the prefix its
 * id would have.
 */
export function routeHierarchical(tree: HierarchyNode, vector: Float32Array): number[] {
  const path: number[] = [];
  let node = tree;
  const dim = vector.length;
  while (node.centroids !== null) {
    const best = nearestLiveChild(node, vector, 0, dim);
    path.push(best);
    node = node.children[best]!;
  }
  return path;
}

/** The given rows of `data` (rows of dim), copied one after another. */
function gatherRows(data: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i]! * dim;
    for (let d = 0; d < dim; d++) out[i * dim + d] = data[from + d]!;
  }
  return out;
}

/** The rows of each cluster (sizes[c] of cluster c), in their order in `rows`. */
function membersByCluster(rows: Int32Array, assign: Int32Array, sizes: Int32Array): Int32Array[] {
  const members = Array.from(sizes, (size) => new Int32Array(size));
  const fill = new Int32Array(sizes.length);
  for (let i = 0; i < rows.length; i++) members[assign[i]!]![fill[assign[i]!]!++] = rows[i]!;
  return members;
}
