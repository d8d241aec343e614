// Merging: optimize() turns several segments with deletes into one whose
// search results equal a clean rebuild from the live documents; the merge
// policy bounds the segment count.
import { mkdirSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Snapshot } from '../../src/collection/index.js';
import type { MergeReport } from '../../src/collection/writer.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { buildCollection } from '../helpers/build-collection.js';
import { mixedDocument, mixedSchema } from '../helpers/mixed-documents.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const schema = mixedSchema;
const docs = Array.from({ length: 60 }, (_, i) => mixedDocument(i));
const deleted = new Set(['d0', 'd7', 'd13', 'd59', 'd30']);

function results(snap: Snapshot) {
  return {
    text: ['alpha rare', 'gamma delta', 'zeta'].map((q) => snap.search(q, { k: 20, includeStored: false }).map((h) => [h.id, h.score])),
    dense: snap.searchVector('emb', [1, 0.5, 0.2], { k: 10, includeStored: false }).map((h) => h.id),
    sparse: snap.searchSparse('sp', { alpha: 1, rare: 1 }, { k: 10, includeStored: false }).map((h) => [h.id, h.score]),
  };
}

describe('merging segments', () => {
  it('optimize() equals a clean rebuild from the live documents', () => {
    const c = buildCollection(root, docs, schema, { flushDocs: 13, maxSegments: 100 });
    const w = c.writer({ maxSegments: 100 });
    for (const id of deleted) w.delete(id);
    w.optimize();
    w.close();
    const merged = c.reader();
    expect(merged.segments.length).toBe(1);
    expect(merged.numDocs).toBe(55);
    const clean = buildCollection(
      root,
      docs.filter((d) => !deleted.has(d._id)),
      schema,
    ).reader();
    expect(results(merged)).toEqual(results(clean));
    const cols = merged.segments[0]!.columns!;
    const cleanCols = clean.segments[0]!.columns!;
    expect(Array.from(cols.numbers.get('year')!)).toEqual(Array.from(cleanCols.numbers.get('year')!));
    expect(merged.stored(3)).toEqual(clean.stored(3));
  });

  it('the merge policy keeps the segment count bounded and drops old generations', () => {
    const c = buildCollection(root, [], schema);
    for (let b = 0; b < 6; b++) {
      const w = c.writer({ maxSegments: 3, mergeFactor: 3 });
      for (const d of docs.slice(b * 10, b * 10 + 10)) w.add(d);
      w.commit();
      w.close();
      expect(c.reader().segments.length).toBeLessThanOrEqual(3);
    }
    expect(c.reader().numDocs).toBe(60);
    const clean = buildCollection(root, docs, schema).reader();
    expect(results(c.reader()).dense).toEqual(results(clean).dense);
  });

  const policyResults: ReturnType<typeof results>[] = [];
  for (const background of [true, false]) {
    it(`a policy merge (${background ? 'on a worker thread' : 'inside commit'}) carries over deletes and updates made while it ran`, () => {
      const c = buildCollection(root, [], schema);
      const reports: MergeReport[] = [];
      const w = c.writer({ flushDocs: 10, maxSegments: 3, mergeFactor: 3, backgroundMerges: background, onMerge: (r) => reports.push(r) });
      for (const d of docs.slice(0, 50)) w.add(d);
      w.commit();
      // The three smallest of five segments are being merged (or, without background merges, already are).
      expect(w.mergeRunning).toBe(background);
      expect(c.reader().segments.length).toBe(background ? 5 : 3);
      const live = new Map(docs.slice(0, 50).map((d) => [d._id, d]));
      for (const id of ['d1', 'd12', 'd25', 'd49']) {
        w.delete(id);
        live.delete(id);
      }
      const updated = { ...docs[3]!, text: 'omega omega rare' };
      w.update(updated);
      live.set('d3', updated);
      for (const d of docs.slice(50)) {
        w.add(d);
        live.set(d._id, d);
      }
      w.commit();
      w.waitForMerges();
      expect(w.mergeRunning).toBe(false);
      w.close();
      expect(reports.length).toBeGreaterThanOrEqual(1);
      expect(reports[0]!.background).toBe(background);
      expect(reports[0]!.segments).toBe(3);
      const r = c.reader();
      expect(r.numDocs).toBe(live.size);
      expect(r.segments.length).toBeLessThanOrEqual(3);
      // BM25 statistics still count deleted documents until they are merged away (as in Lucene), so text
      // scores are compared after optimize; vector scores do not depend on them.
      const clean = buildCollection(root, [...live.values()], schema).reader();
      const got = results(r);
      expect(got.dense).toEqual(results(clean).dense);
      expect(got.sparse).toEqual(results(clean).sparse);
      expect(r.search('omega', { k: 5, includeStored: false }).map((h) => h.id)).toEqual(['d3']);
      policyResults.push(got);
      if (policyResults.length === 2) expect(policyResults[0]).toEqual(policyResults[1]);
      expect(readdirSync(c.dir).filter((f) => f.startsWith('merge-'))).toEqual([]);
      // The writer's id map follows the new numbering: deleting after the merge hits the right documents.
      const w2 = c.writer({ backgroundMerges: background });
      expect(w2.delete('d2')).toBe(true);
      expect(w2.delete('d1')).toBe(false);
      live.delete('d2');
      w2.optimize();
      w2.close();
      expect(c.reader().numDocs).toBe(live.size);
      // A clean rebuild in the optimized segment's document order, so that ties break alike.
      const optimized = c.reader();
      const order = Array.from({ length: optimized.numDocs }, (_, d) => live.get(optimized.segments[0]!.ids.text(d))!);
      expect(results(optimized)).toEqual(results(buildCollection(root, order, schema).reader()));
    });
  }

  it('close() waits for a running merge and commits it; abort() drops it', () => {
    const c = buildCollection(root, [], schema);
    const w = c.writer({ flushDocs: 10, maxSegments: 3, mergeFactor: 3 });
    for (const d of docs.slice(0, 50)) w.add(d);
    w.commit();
    expect(w.mergeRunning).toBe(true);
    w.add(docs[55]!); // uncommitted: dropped by close
    w.close();
    expect(c.reader().segments.length).toBe(3);
    expect(c.reader().numDocs).toBe(50);

    const w2 = c.writer({ flushDocs: 10, maxSegments: 2, mergeFactor: 2 });
    for (const d of docs.slice(50)) w2.add(d);
    w2.commit();
    expect(w2.mergeRunning).toBe(true);
    w2.abort();
    expect(c.reader().segments.length).toBe(4);
    expect(c.reader().numDocs).toBe(60);
  });

  it('a new writer removes the folder of a merge that never reached a commit', () => {
    const c = buildCollection(root, docs.slice(0, 5), schema);
    mkdirSync(join(c.dir, 'merge-9-k3x2'));
    c.writer().close();
    expect(readdirSync(c.dir).filter((f) => f.startsWith('merge-'))).toEqual([]);
  });

  it('a failed background merge is reported by the next commit, which leaves the collection unchanged; committing again succeeds', () => {
    const c = buildCollection(root, docs.slice(0, 20), schema, { flushDocs: 10, maxSegments: 100 });
    const seg = c.reader().segments[0]!.info.name;
    truncateSync(join(c.dir, seg, 'text.inv'), 10);
    const w = c.writer({ flushDocs: 10, maxSegments: 2, mergeFactor: 2 });
    for (const d of docs.slice(20, 30)) w.add(d);
    const generation = w.commit();
    expect(w.mergeRunning).toBe(true);
    w.add(docs[40]!);
    let err: unknown;
    try {
      w.waitForMerges();
    } catch (e) {
      err = e;
    }
    expect(String(err)).toMatch(/background merge failed: .*text\.inv.*bad magic/);
    expect(readLatestManifest(c.dir).generation).toBe(generation);
    expect(readdirSync(c.dir).filter((f) => f.startsWith('merge-'))).toEqual([]);
    expect(w.commit()).toBe(generation + 1);
    w.abort();
  });

  it('a merge worker that dies (out of heap) fails the merge instead of leaving a waiting writer blocked', () => {
    const c = buildCollection(root, docs.slice(0, 20), schema, { flushDocs: 10, maxSegments: 100 });
    // 4 MB of old generation is not enough even to load the merge code (the smallest allowed:
    // with less, Node 22 and later abort the whole process)
    const w = c.writer({ flushDocs: 10, maxSegments: 2, mergeFactor: 2, mergeHeapMB: 4 });
    for (const d of docs.slice(20, 30)) w.add(d);
    const generation = w.commit();
    const committed = results(c.reader());
    expect(w.mergeRunning).toBe(true);
    let err: unknown;
    try {
      w.waitForMerges();
    } catch (e) {
      err = e;
    }
    expect(String(err)).toMatch(/background merge .*failed: the merge worker (died|exited)/);
    expect(readLatestManifest(c.dir).generation).toBe(generation);
    expect(readdirSync(c.dir).filter((f) => f.startsWith('merge-'))).toEqual([]);
    expect(results(c.reader())).toEqual(committed);
    w.abort();
    // a writer with enough heap merges the same segments
    const w2 = c.writer({ maxSegments: 2, mergeFactor: 2 });
    w2.commit();
    w2.waitForMerges();
    expect(c.reader().segments.length).toBeLessThanOrEqual(2);
    w2.close();
  });

  it('rejects writer and reader options by name, type and range, before taking the lock', () => {
    const c = buildCollection(root, docs.slice(0, 5), schema, {});
    for (const mergeHeapMB of [0, -5, Number.NaN, 2]) {
      expect(() => c.writer({ mergeHeapMB }), String(mergeHeapMB)).toThrow(/mergeHeapMB must be a number of megabytes >= 4/);
    }
    expect(() => c.writer({ maxSegments: 0 })).toThrow('maxSegments: maxSegments must be a positive integer, got 0');
    expect(() => c.writer({ flushDocs: 2.5 })).toThrow('flushDocs must be a positive integer, got 2.5');
    expect(() => c.writer({ backgroundMerges: 'yes' as unknown as boolean })).toThrow('backgroundMerges must be true or false, got "yes"');
    expect(() => c.writer({ flushDoc: 10 } as never)).toThrow('flushDoc: "flushDoc" is not a writer option');
    expect(() => c.reader({ verifyChecksum: false } as never)).toThrow('verifyChecksum: "verifyChecksum" is not a reader option');
    // nothing was left locked by the refusals
    c.writer().close();
  });
});
