/** A collection of a BEIR corpus with a dense field encoded by a trained Model2Vec folder (and, if asked, BM25 next to it). */
import { Collection } from '../../src/collection/index.js';
import { forEachTrainingDocument } from '../../src/train/training-corpus.js';

/** Creates `dir`, indexes `corpus` with field `emb` (flat cosine, the model's encoder) and, with `bm25`, text field `contents`; returns its snapshot. */
export function trainedCollection(
  dir: string,
  corpus: string,
  model: string,
  dim: number,
  bm25: boolean,
): ReturnType<Collection['reader']> {
  const c = Collection.create(dir, {
    fields: {
      ...(bm25 ? { contents: { type: 'text', from: ['title', 'text'] } } : {}),
      emb: { type: 'dense', dim, index: 'flat', metric: 'cosine', encoder: { type: 'model2vec', path: model, from: ['title', 'text'] } },
    },
  });
  const w = c.writer();
  forEachTrainingDocument(corpus, (d) => w.add({ _id: d.id, title: d.title, text: d.text }));
  w.commit();
  w.close();
  return c.reader();
}
