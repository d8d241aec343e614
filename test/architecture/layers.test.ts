// The dependency rule of docs/architecture.md, enforced: every room (top folder of
// src/) sits on a layer and imports only from rooms on lower layers; no two files or
// folders import each other, directly or around a loop.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/**
 * The layers, lowest first. A room may import from rooms on lower layers only; rooms
 * on one layer are independent of each other. Keep in step with docs/architecture.md.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['kernels'],
  ['io'],
  ['text', 'quantize', 'eval'],
  ['learn'],
  ['encode'],
  ['index'],
  ['search'],
  ['collection'],
  ['audit', 'batch', 'ingest', 'train'],
  ['quarry.ts'],
  ['server'],
  ['cli'],
];

const layerOf = new Map(LAYERS.flatMap((rooms, layer) => rooms.map((room) => [room, layer] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every file of src/ and the files of src/ it imports (static, dynamic and re-exports; types included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
    graph.set(relative(SRC, file), [...new Set(targets.map((t) => relative(SRC, t)))]);
  }
  return graph;
}

/** The room of a path relative to src/: its top folder, or the file itself for files at the top. */
const roomOf = (path: string): string => path.split('/')[0]!;

/** Strongly connected components of more than one node (or a node importing itself): the loops. */
function loops(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

/** The folder graph at a depth: `index/dense/hnsw/x.ts` at depth 2 is `index/dense`. */
function folderGraph(graph: ReadonlyMap<string, readonly string[]>, depth: number): Map<string, string[]> {
  const folderOf = (p: string): string =>
    p
      .split('/')
      .slice(0, Math.min(depth, p.split('/').length - 1))
      .join('/') || p;
  const out = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const a = folderOf(from);
    if (!out.has(a)) out.set(a, new Set());
    for (const t of targets) {
      const b = folderOf(t);
      if (a !== b && !a.startsWith(`${b}/`) && !b.startsWith(`${a}/`)) out.get(a)!.add(b);
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

describe('architecture', () => {
  const graph = importGraph();

  it('puts every room of src/ on a layer', () => {
    const rooms = new Set([...graph.keys()].map(roomOf));
    expect([...rooms].filter((r) => !layerOf.has(r))).toEqual([]);
  });

  it('imports only downwards, never across a layer', () => {
    const wrong: string[] = [];
    for (const [from, targets] of graph) {
      const a = roomOf(from);
      for (const to of targets) {
        const b = roomOf(to);
        if (a === b) continue;
        if (!(layerOf.get(b)! < layerOf.get(a)!))
          wrong.push(`${from} -> ${to} (${a} is on layer ${layerOf.get(a)}, ${b} on ${layerOf.get(b)})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import loops between folders', () => {
    for (const depth of [1, 2, 3]) expect(loops(folderGraph(graph, depth)), `folders at depth ${depth}`).toEqual([]);
  });

  it('has no import loops between files', () => {
    expect(loops(graph)).toEqual([]);
  });

  it('finds the loops and upward imports it is meant to find', () => {
    // the checks themselves, on a small graph: a -> b -> a is a loop, c -> c too
    const toy = new Map([
      ['a', ['b']],
      ['b', ['a']],
      ['c', ['c']],
      ['d', ['a']],
    ]);
    expect(loops(toy)).toEqual([['a', 'b'], ['c']]);
    expect(
      folderGraph(
        new Map([
          ['x/p.ts', ['y/q.ts']],
          ['y/q.ts', ['x/r.ts']],
        ]),
        1,
      ),
    ).toEqual(
      new Map([
        ['x', ['y']],
        ['y', ['x']],
      ]),
    );
  });
});
