/** The examples a relevance calibration is fitted on: a snapshot's scores of judged queries' results. */
import type { CalibrationExample } from '../search/calibration.js';
import { fillQueryTemplate, type QuerySpecInput } from '../search/query-spec.js';
import type { Qrels } from '../eval/qrels.js';
import type { Snapshot } from './snapshot/snapshot.js';

/**
 * Runs each judged query through `template` ("$query" replaced by its text)
 * and returns its top `depth` scores with 0/1 labels (relevance ≥ 1 in
 * `qrels`), the training data of fitCalibration.
 */
export function calibrationExamples(
  snap: Snapshot,
  queries: Iterable<[string, string]>,
  qrels: Qrels,
  template: Record<string, unknown>,
  depth: number,
): CalibrationExample[] {
  const out: CalibrationExample[] = [];
  for (const [qid, text] of queries) {
    const judged = qrels.get(qid);
    if (judged === undefined) continue;
    const spec = fillQueryTemplate(template, text);
    spec.k = depth;
    const hits = snap.query(spec as QuerySpecInput, { includeStored: false }).hits;
    out.push({
      scores: hits.map((h) => h.score),
      labels: hits.map((h) => ((judged.get(h.id) ?? 0) >= 1 ? 1 : 0)),
      queryLength: text.split(/\s+/).filter(Boolean).length,
    });
  }
  return out;
}
