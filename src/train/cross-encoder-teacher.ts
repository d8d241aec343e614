/**
 * A cross-encoder as the teacher of listwise distillation and false-negative
 * filtering (as RocketQA, Qu et al., NAACL 2021, denoises hard negatives with
 * one): the model scores (training query, document) pairs from their texts.
 */
import { TransformerCrossEncoder } from '../encode/transformer-cross-encoder.js';
import type { PairTeacher } from '../learn/retriever-training/pair-teacher.js';

/** Loads the cross-encoder folder and scores pairs of `queryTexts[q]` and `docTexts[d]`. */
export async function crossEncoderTeacher(
  folder: string,
  queryTexts: readonly string[],
  docTexts: readonly string[],
): Promise<PairTeacher> {
  const model = await TransformerCrossEncoder.load(folder);
  return {
    name: `cross-encoder ${folder}`,
    async score(query, docs, count, out) {
      const texts: string[] = [];
      for (let i = 0; i < count; i++) texts.push(docTexts[docs[i]!]!);
      const scores = await model.score(queryTexts[query]!, texts);
      for (let i = 0; i < count; i++) out[i] = scores[i]!;
    },
  };
}
