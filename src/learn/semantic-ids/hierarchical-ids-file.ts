/**
 * A DSI cluster tree on disk (`.safetensors`), so that new documents can be
 * given ids in the same tree later: the nodes in depth-first order (node 0 the
 * root), each split's centroids as rows of one float32 tensor, and int32
 * tensors saying which rows belong to which split and which node each row
 * leads to (-1: a cluster that got no documents).
 */
import { writeFileAtomic } from '../../io/atomic-file.js';
import { QuarryError } from '../../core/quarry-error.js';
import { encodeSafeTensors, readSafeTensors } from '../../io/safetensors.js';
import type { HierarchyNode } from './hierarchical-ids.js';

const KIND = 'quarry-dsi-tree';

/** Writes `tree` over vectors of `dim` to `path` (replaced atomically). */
export function writeHierarchy(path: string, tree: HierarchyNode, dim: number): void {
  const nodes: HierarchyNode[] = [];
  const order = new Map<HierarchyNode, number>();
  const visit = (node: HierarchyNode): void => {
    order.set(node, nodes.push(node) - 1);
    for (const child of node.children) if (child !== null) visit(child);
  };
  visit(tree);
  const first = new Int32Array(nodes.length).fill(-1);
  const count = new Int32Array(nodes.length);
  const leafRows = new Int32Array(nodes.length);
  let rows = 0;
  for (const node of nodes) rows += node.centroids === null ? 0 : node.children.length;
  const centroids = new Float32Array(rows * dim);
  const child = new Int32Array(rows);
  let row = 0;
  nodes.forEach((node, i) => {
    leafRows[i] = node.leafRows;
    if (node.centroids === null) return;
    first[i] = row;
    count[i] = node.children.length;
    centroids.set(node.centroids, row * dim);
    node.children.forEach((c, j) => (child[row + j] = c === null ? -1 : order.get(c)!));
    row += node.children.length;
  });
  writeFileAtomic(
    path,
    encodeSafeTensors(
      {
        centroids: { shape: [rows, dim], data: centroids },
        child: { shape: [rows], data: child },
        first: { shape: [nodes.length], data: first },
        count: { shape: [nodes.length], data: count },
        leafRows: { shape: [nodes.length], data: leafRows },
      },
      { kind: KIND, dim: String(dim) },
    ),
  );
}

/** Reads a tree written by {@link writeHierarchy}; every inconsistency is reported naming the file. */
export function readHierarchy(path: string): { tree: HierarchyNode; dim: number } {
  const f = readSafeTensors(path);
  const bad = (why: string): never => {
    throw new QuarryError('BAD_INPUT', why, { file: path }, 'write the tree with quarry semantic-ids --method hierarchical --save-tree');
  };
  if (f.metadata.kind !== KIND) bad(`not a DSI cluster tree (metadata kind is ${JSON.stringify(f.metadata.kind ?? null)})`);
  const dim = Number(f.metadata.dim);
  if (!Number.isInteger(dim) || dim < 1) bad(`metadata dim ${JSON.stringify(f.metadata.dim)} is not a positive integer`);
  const centroids = f.floats('centroids');
  const child = f.ints('child');
  const first = f.ints('first');
  const count = f.ints('count');
  const leafRows = f.ints('leafRows');
  const n = first.length;
  if (n === 0 || count.length !== n || leafRows.length !== n) bad('first, count and leafRows must have one value per node');
  if (centroids.length !== child.length * dim) bad(`centroids hold ${centroids.length} values, not ${child.length} rows of ${dim}`);
  const nodes: HierarchyNode[] = Array.from({ length: n }, (_, i) => ({ centroids: null, children: [], leafRows: leafRows[i]! }));
  for (let i = 0; i < n; i++) {
    if (first[i] === -1) {
      if (count[i] !== 0) bad(`node ${i} is a leaf with ${count[i]} children`);
      continue;
    }
    const from = first[i]!;
    const k = count[i]!;
    if (k < 1 || from < 0 || from + k > child.length) bad(`node ${i}'s centroid rows ${from}..${from + k} are outside 0..${child.length}`);
    nodes[i]!.centroids = centroids.slice(from * dim, (from + k) * dim);
    for (let j = 0; j < k; j++) {
      const c = child[from + j]!;
      // children come after their parent in depth-first order, which also rules out cycles
      if (c !== -1 && (c <= i || c >= n)) bad(`node ${i} leads to node ${c}, which is not a later node`);
      nodes[i]!.children.push(c === -1 ? null : nodes[c]!);
    }
    if (nodes[i]!.children.every((c) => c === null)) bad(`node ${i} splits into clusters that all lack documents`);
  }
  return { tree: nodes[0]!, dim };
}
