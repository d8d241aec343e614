// Reopening with the previous snapshot: segments whose files have not changed are
// shared instead of read again, segments with new deletes share their loaded
// fields and read only the new flags, and every answer equals a fresh reader's.
import { describe, expect, it, vi } from 'vitest';
import { Collection, type Snapshot } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { mixedDocument, mixedSchema } from '../helpers/mixed-documents.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const schema = mixedSchema;
const doc = mixedDocument;

function answers(snap: Snapshot) {
  return {
    docs: snap.numDocs,
    text: ['alpha rare', 'gamma delta'].map((q) => snap.search(q, { k: 20 }).map((h) => [h.id, h.score, h.stored])),
    dense: snap.searchVector('emb', [1, 0.5, 0.2], { k: 10 }).map((h) => [h.id, h.score]),
    sparse: snap.searchSparse('sp', { alpha: 1, beta: 2 }, { k: 10 }).map((h) => [h.id, h.score]),
  };
}

describe('reopening a collection with the previous snapshot', () => {
  it('shares unchanged segments, rereads only new deleted flags, and answers as a fresh reader does', () => {
    const c = buildCollection(
      root,
      Array.from({ length: 20 }, (_, i) => doc(i)),
      schema,
      { flushDocs: 10 },
    );
    const first = c.reader();
    expect(first.segments).toHaveLength(2);

    // a commit that only adds a segment: both old segments are the same objects
    const w = c.writer({ flushDocs: 10, maxSegments: 100 });
    for (let i = 20; i < 30; i++) w.add(doc(i));
    w.commit();
    const second = c.reader({ previous: first });
    expect(second.segments).toHaveLength(3);
    expect(second.segments[0]).toBe(first.segments[0]);
    expect(second.segments[1]).toBe(first.segments[1]);
    expect(answers(second)).toEqual(answers(c.reader()));

    // deletes in an old segment: its loaded fields are shared, its deleted flags are new
    expect(w.delete('d3')).toBe(true);
    w.update(doc(12));
    w.commit();
    const third = c.reader({ previous: second });
    const [old0, new0] = [second.segments[0]!, third.segments[0]!];
    expect(new0).not.toBe(old0);
    expect(new0.fields.get('text')).toBe(old0.fields.get('text'));
    expect(new0.dense.get('emb')).toBe(old0.dense.get('emb'));
    expect(new0.stored).toBe(old0.stored);
    expect(new0.deleted).not.toBeNull();
    expect(third.search('alpha beta gamma delta epsilon zeta rare', { k: 100 }).map((h) => h.id)).not.toContain('d3');
    expect(answers(third)).toEqual(answers(c.reader()));
    // info() from the manifest and tables of contents alone equals the open snapshot's figures
    const opened = vi.spyOn(Collection.prototype, 'reader');
    const described = c.info();
    expect(opened).not.toHaveBeenCalled();
    opened.mockRestore();
    expect(described).toEqual(c.info(third));
    expect(described.documents).toBe(third.numDocs);
    // the snapshot before the deletes still answers as it did
    expect(second.search('alpha beta gamma delta epsilon zeta rare', { k: 100 }).map((h) => h.id)).toContain('d3');

    // a merge replaces segments: nothing of the merged ones is reused, answers still agree
    w.optimize();
    w.close();
    const fourth = c.reader({ previous: third });
    expect(fourth.segments).toHaveLength(1);
    expect(third.segments).not.toContain(fourth.segments[0]);
    expect(answers(fourth)).toEqual(answers(c.reader()));
  });

  it('never takes segments from a snapshot of another collection', () => {
    const a = buildCollection(
      root,
      Array.from({ length: 10 }, (_, i) => doc(i)),
      schema,
    );
    const b = buildCollection(
      root,
      Array.from({ length: 10 }, (_, i) => doc(i + 100)),
      schema,
    );
    const fromA = a.reader();
    const bSnap = b.reader({ previous: fromA });
    expect(bSnap.segments[0]!.info.name).toBe(fromA.segments[0]!.info.name);
    expect(bSnap.segments[0]).not.toBe(fromA.segments[0]);
    expect(answers(bSnap)).toEqual(answers(b.reader()));
    // describing an open snapshot: the same figures as opening the newest generation
    expect(b.info(bSnap)).toEqual(b.info());
    expect(() => b.info(fromA)).toThrow('the snapshot is of another collection');
  });
});
