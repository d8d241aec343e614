/**
 * The JSON answer to a search: one shape for the server (`POST …/search`), the CLI
 * (`quarry search --json`, with or without `--spec`) and any program that prints
 * results, so that a script written against one reads the others.
 */
import type { PipelineResult } from '../../search/pipeline.js';
import type { Hit } from './search-options.js';
import type { Highlights } from './spec-highlights.js';

/** A hit as the JSON answer carries it. */
export interface AnswerHit {
  id: string;
  score: number;
  /** Per leg of the spec, the hit's rank and score there (null where the leg did not retrieve it). */
  legs: { rank: number | null; score: number | null }[];
  /** Stored properties, when asked for. */
  stored?: Record<string, unknown>;
  /** Highlighted fragments by stored property, when asked for. */
  highlights?: Highlights;
  explain?: unknown;
  crossEncoder?: unknown;
}

/** The JSON answer to one search. */
export interface SearchAnswer {
  hits: AnswerHit[];
  /** Candidates ranked after fusion and filtering (each leg's top k), before the page was cut. */
  total: number;
  facets?: Record<string, Record<string, number>>;
  crossEncoded?: number;
  /** Per leg, the recall@10 its index's measured curves predict (null for exact legs); see PipelineResult. */
  expectedRecall?: (number | null)[];
  /** The generation searched. */
  generation: number;
}

/**
 * The answer to a query spec's result. `stored`: include the hits' stored properties
 * (the result must have been asked for them); `highlight`: highlights from them.
 */
export function answerOfResult(
  result: PipelineResult,
  generation: number,
  options: { stored: boolean; highlight?: (stored: Record<string, unknown>) => Highlights },
): SearchAnswer {
  const hits = result.hits.map((h) => {
    const hit: AnswerHit = { id: h.id, score: h.score, legs: h.legs };
    if (options.stored && h.stored !== undefined) hit.stored = h.stored;
    if (options.highlight !== undefined && h.stored !== undefined) hit.highlights = options.highlight(h.stored);
    if (h.explain !== undefined) hit.explain = h.explain;
    if (h.crossEncoder !== undefined) hit.crossEncoder = h.crossEncoder;
    return hit;
  });
  return {
    hits,
    total: result.total,
    ...(result.facets !== undefined ? { facets: result.facets } : {}),
    ...(result.crossEncoded !== undefined ? { crossEncoded: result.crossEncoded } : {}),
    ...(result.expectedRecall !== undefined ? { expectedRecall: result.expectedRecall } : {}),
    generation,
  };
}

/** The answer to a one-leg search's hits (`Snapshot.search`, `searchVector`, …): each hit's leg is its own rank. */
export function answerOfHits(hits: readonly Hit[], generation: number): SearchAnswer {
  return {
    hits: hits.map((h, i) => ({
      id: h.id,
      score: h.score,
      legs: [{ rank: i + 1, score: h.score }],
      ...(h.stored !== undefined ? { stored: h.stored } : {}),
    })),
    total: hits.length,
    generation,
  };
}
