/**
 * Trains a dense retriever from files, what `quarry train` runs: reads the
 * corpus (and judged queries, when given), builds or loads the tokenizer,
 * initialises a static encoder (random rows with idf pooling weights, or the
 * user's word vectors), mines static hard negatives with BM25, trains, and
 * writes a Model2Vec folder a dense field's `{"type": "model2vec"}` encoder
 * loads unchanged.
 */
import { existsSync } from 'node:fs';
import { QuarryError } from '../core/quarry-error.js';
import { checkPositiveInteger } from '../core/checks.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';
import { evaluateRun } from '../eval/evaluate.js';
import { readQrels, type Qrels } from '../eval/qrels.js';
import type { RunData } from '../eval/run.js';
import { readQueries } from '../io/beir.js';
import { xorshift32 } from '../kernels/xorshift.js';
import { forEachGloveVector } from '../io/glove-file.js';
import { readJsonFile } from '../io/json-file.js';
import { tokenBm25Teacher, type PairTeacher } from '../learn/retriever-training/pair-teacher.js';
import { PRETRAINING_TASKS, type PretrainingTask } from '../learn/retriever-training/pretraining-tasks.js';
import {
  CANDIDATE_MARGIN,
  DEFAULT_NEGATIVE_DEPTH,
  trainStaticEncoder,
  type JudgedQueries,
  type NegativeSource,
  type RetrieverTrainingOptions,
  type TrainingReport,
  type Validation,
} from '../learn/retriever-training/train-static-encoder.js';
import { writeStaticEncoderFolder } from '../learn/static-encoder/static-encoder-folder.js';
import { StaticEncoderModel } from '../learn/static-encoder/static-encoder-model.js';
import { TokenizedTextsBuilder, tokenIdf, type TokenizedTexts } from '../learn/static-encoder/tokenized-texts.js';
import { WordCounter, type TokenizerJson } from '../learn/static-encoder/word-vocabulary.js';
import { identityRows, stemTiedRows } from '../learn/static-encoder/stem-tied-rows.js';
import { WordPieceTokenizer } from '../text/wordpiece-tokenizer.js';
import { checkLossNames } from '../learn/losses/loss-registry.js';
import { bm25Candidates } from './bm25-candidates.js';
import { judgedQueries } from './judged-queries.js';
import { documentSegments, documentText, forEachTrainingDocument } from './training-corpus.js';
import { crossEncoderTeacher } from './cross-encoder-teacher.js';

/** Share of the judged queries held out for validation when no dev qrels are given. */
export const DEFAULT_DEV_SHARE = 0.1;
const MIN_QUERIES_FOR_DEV_SHARE = 50;

/** Negative sources by their command-line names: `bm25` is static (mined once), `dynamic` the model's own index each epoch. */
export const NEGATIVE_SOURCES = ['bm25', 'dynamic'] as const;

/** What `trainRetriever` reads, trains and writes. */
export interface TrainRetrieverOptions extends Omit<RetrieverTrainingOptions, 'negatives' | 'teacher' | 'tasks'> {
  /** The corpus (JSONL of `_id`, `title`, `text`; TREC files; a folder of them). */
  corpus: string;
  /** The folder the model is written to. */
  output: string;
  /** Judged training queries: a queries file and qrels over them. */
  queries?: string;
  qrels?: string;
  /** Qrels of a validation split (its queries are in `queries`): nDCG@10 after each epoch, early stopping. */
  devQrels?: string;
  /**
   * Without `devQrels`: the share of the judged queries held out to validate instead
   * (default 0.1 when there are at least 50 judged queries, else 0: no validation).
   */
  devShare?: number;
  /** Pre-training tasks (default ict and bfs; [] for none). */
  tasks?: readonly string[];
  /** A BERT WordPiece `tokenizer.json` to use instead of a vocabulary counted from the corpus. */
  tokenizer?: string;
  /** Vector dimensions (default 256; word vectors set their own). */
  dim?: number;
  /** Word vectors in GloVe text format to start from (rows of words they lack start random). */
  vectors?: string;
  /** Share one row between the words of one Porter stem (default true; English corpora). */
  tieStems?: boolean;
  /** Vocabulary counting: fewest occurrences of a word and most words (defaults 2 and 200,000). */
  minCount?: number;
  maxWords?: number;
  /** Hard negatives (default bm25 with judgments). */
  negatives?: readonly string[];
  /**
   * Teacher for listwise-kl and false-negative filtering: `bm25` (over the model's
   * tokens) or `{ crossEncoder: folder }` (a sequence-classification model run by
   * `@huggingface/transformers`; the documents' texts are then kept in memory).
   */
  teacher?: 'bm25' | { crossEncoder: string };
  progress?: ProgressFactory;
}

/** What training did, and what it wrote. */
export interface TrainRetrieverReport extends TrainingReport {
  output: string;
  documents: number;
  /** Tokens in the vocabulary, and embedding rows (fewer when stems share rows). */
  vocabulary: number;
  rows: number;
  dim: number;
  trainQueries: number;
  devQueries: number;
  seconds: number;
  /** Largest resident set size seen, in bytes. */
  peakRss: number;
}

function checkOptions(o: TrainRetrieverOptions): void {
  if ((o.queries === undefined) !== (o.qrels === undefined))
    throw new QuarryError('BAD_ARGUMENT', 'judged training needs both queries and qrels', {
      field: o.queries === undefined ? 'queries' : 'qrels',
    });
  if (o.devQrels !== undefined && o.queries === undefined)
    throw new QuarryError('BAD_ARGUMENT', 'dev qrels need the queries file their queries are in', { field: 'queries' });
  for (const t of o.tasks ?? [])
    if (!(PRETRAINING_TASKS as readonly string[]).includes(t))
      throw new QuarryError('BAD_ARGUMENT', `unknown task "${t}"`, { field: 'task' }, `choose from ${PRETRAINING_TASKS.join(', ')}`);
  for (const n of o.negatives ?? [])
    if (!(NEGATIVE_SOURCES as readonly string[]).includes(n))
      throw new QuarryError(
        'BAD_ARGUMENT',
        `unknown negative source "${n}"`,
        { field: 'negatives' },
        `choose from ${NEGATIVE_SOURCES.join(', ')}`,
      );
  if (o.negatives !== undefined && o.negatives.length > 0 && o.qrels === undefined)
    throw new QuarryError(
      'BAD_ARGUMENT',
      'hard negatives are mined for judged queries, and none are given',
      { field: 'negatives' },
      'give --queries and --qrels',
    );
  checkLossNames(o.loss ?? ['infonce']);
  if (o.devShare !== undefined && !(o.devShare >= 0 && o.devShare < 1))
    throw new QuarryError('BAD_ARGUMENT', `devShare must be at least 0 and below 1, got ${o.devShare}`, { field: 'devShare' });
  if (o.dim !== undefined) {
    checkPositiveInteger(o.dim, 'dim');
    if (o.dim > 4096) throw new QuarryError('BAD_ARGUMENT', `dim must be at most 4096, got ${o.dim}`, { field: 'dim' });
  }
  for (const [name, v] of [
    ['epochs', o.epochs],
    ['pretrainEpochs', o.pretrainEpochs],
    ['hardNegatives', o.hardNegatives],
  ] as const)
    if (v !== undefined && !(Number.isInteger(v) && v >= 0))
      throw new QuarryError('BAD_ARGUMENT', `${name} must be a whole number of at least 0, got ${String(v)}`, { field: name });
  if (o.batchSize !== undefined) checkPositiveInteger(o.batchSize, 'batchSize');
  if (o.teacher !== undefined && o.teacher !== 'bm25' && (typeof o.teacher !== 'object' || typeof o.teacher.crossEncoder !== 'string'))
    throw new QuarryError(
      'BAD_ARGUMENT',
      `unknown teacher ${JSON.stringify(o.teacher)}`,
      { field: 'teacher' },
      'use "bm25" or { crossEncoder: folder }',
    );
  for (const p of [
    o.corpus,
    o.queries,
    o.qrels,
    o.devQrels,
    o.tokenizer,
    o.vectors,
    typeof o.teacher === 'object' ? o.teacher.crossEncoder : undefined,
  ])
    if (p !== undefined && !existsSync(p)) throw new QuarryError('NOT_FOUND', `no such file: ${p}`, { file: p });
}

/** Trains a static dense encoder as the options say and writes it to `output`. */
export async function trainRetriever(o: TrainRetrieverOptions): Promise<TrainRetrieverReport> {
  checkOptions(o);
  const t0 = performance.now();
  let peakRss = process.memoryUsage().rss;
  const sampleRss = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const progress = o.progress ?? noProgress;

  // the tokenizer: the user's, or a word vocabulary counted from the corpus
  let tokenizerJson: TokenizerJson;
  if (o.tokenizer !== undefined) tokenizerJson = readJsonFile(o.tokenizer, 'tokenizer') as TokenizerJson;
  else {
    const counter = new WordCounter();
    const bar = progress('counting words', 1, 'bytes');
    forEachTrainingDocument(
      o.corpus,
      (d) => (counter.add(d.title), counter.add(d.text)),
      (done, total) => bar.update(done / total, done),
    );
    bar.stop();
    tokenizerJson = counter.tokenizerJson({ minCount: o.minCount, maxWords: o.maxWords });
  }
  const tokenizer = new WordPieceTokenizer(tokenizerJson, o.tokenizer ?? 'tokenizer.json');
  const tokenCount = Math.max(...tokenizer.vocab.values()) + 1;
  const rows = o.tieStems === false ? identityRows(tokenCount) : stemTiedRows(tokenizer.vocab, tokenCount);
  const vocabSize = rows.rows;

  // the corpus as token ids, document by document
  const docIds: string[] = [];
  const docIndex = new Map<string, number>();
  const builder = new TokenizedTextsBuilder(tokenizer, rows.mapping);
  const docTexts: string[] | null = typeof o.teacher === 'object' ? [] : null;
  const bar = progress('tokenizing', 1, 'bytes');
  forEachTrainingDocument(
    o.corpus,
    (d) => {
      if (docIndex.has(d.id))
        throw new QuarryError('BAD_INPUT', `document id ${d.id} appears twice`, { file: o.corpus }, 'ids must be unique');
      docIndex.set(d.id, docIds.length);
      docIds.push(d.id);
      builder.add(documentSegments(d));
      docTexts?.push(documentText(d));
    },
    (done, total) => bar.update(done / total, done),
  );
  bar.stop();
  const corpus = builder.build();
  sampleRss();

  // judged queries, their BM25 candidates, the validation split
  let judged: JudgedQueries | null = null;
  let validation: Validation | null = null;
  let trainQueries = 0;
  let devQueries = 0;
  let teacher: PairTeacher | undefined;
  const negatives = o.negatives ?? (o.qrels !== undefined ? ['bm25'] : []);
  if (o.queries !== undefined && o.qrels !== undefined) {
    const queryText = readQueries(o.queries);
    const trainQrels = readQrels(o.qrels);
    const all = judgedQueries(trainQrels, queryText, docIndex);
    if (all.qids.length === 0)
      throw new QuarryError(
        'BAD_INPUT',
        'no query of the qrels has a relevant document in the corpus (and a text in the queries file)',
        { file: o.qrels },
        'check that the qrels, queries and corpus are of one collection',
      );
    // without dev qrels, a share of the judged queries (drawn with the seed) validates instead
    const devShare = o.devQrels !== undefined ? 0 : (o.devShare ?? (all.qids.length >= MIN_QUERIES_FOR_DEV_SHARE ? DEFAULT_DEV_SHARE : 0));
    const draw = xorshift32((o.seed ?? 1) + 0x9e37);
    const heldOut = all.qids.map(() => draw() < devShare);
    const qids = all.qids.filter((_, i) => !heldOut[i]);
    const positives = all.positives.filter((_, i) => !heldOut[i]);
    if (qids.length === 0)
      throw new QuarryError('BAD_ARGUMENT', `devShare ${devShare} leaves no query to train on`, { field: 'devShare' }, 'lower it');
    const tq = tokenizeQueries(
      tokenizer,
      rows.mapping,
      qids.map((q) => queryText.get(q)!),
    );
    judged = {
      queries: tq,
      positives,
      staticCandidates: negatives.includes('bm25')
        ? bm25Candidates(
            o.corpus,
            docIndex,
            qids.map((q) => queryText.get(q)!),
            (o.negativeDepth ?? DEFAULT_NEGATIVE_DEPTH) + CANDIDATE_MARGIN,
          )
        : undefined,
    };
    trainQueries = qids.length;
    if (o.teacher === 'bm25') teacher = tokenBm25Teacher(corpus, tq, vocabSize);
    else if (typeof o.teacher === 'object')
      teacher = await crossEncoderTeacher(
        o.teacher.crossEncoder,
        qids.map((q) => queryText.get(q)!),
        docTexts!,
      );
    const heldOutIds = new Set(all.qids.filter((_, i) => heldOut[i]));
    const devQrels = o.devQrels !== undefined ? readQrels(o.devQrels) : new Map([...trainQrels].filter(([q]) => heldOutIds.has(q)));
    if (devQrels.size > 0) {
      const devIds = [...devQrels.keys()].filter((q) => queryText.has(q));
      devQueries = devIds.length;
      validation = ndcgValidation(
        tokenizeQueries(
          tokenizer,
          rows.mapping,
          devIds.map((q) => queryText.get(q)!),
        ),
        devIds,
        docIds,
        devQrels,
      );
    }
  }
  sampleRss();

  // the model: random rows (or word vectors) with idf pooling weights
  let dim = o.dim ?? 256;
  let initRows: Map<string, Float32Array> | null = null;
  if (o.vectors !== undefined) {
    initRows = new Map();
    const vocab = tokenizer.vocab;
    const rows = initRows;
    const { dim: vdim } = forEachGloveVector(o.vectors, (word, v) => {
      if (vocab.has(word)) rows.set(word, v);
    });
    if (o.dim !== undefined && o.dim !== vdim)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `dim is ${o.dim} but the word vectors have ${vdim} dimensions`,
        { field: 'dim' },
        'leave --dim out to take the vectors’ dimension',
      );
    dim = vdim;
  }
  const model = StaticEncoderModel.random(vocabSize, dim, { seed: o.seed ?? 1, weights: tokenIdf(corpus, vocabSize) });
  if (initRows !== null) {
    for (const [word, v] of initRows) {
      const id = rows.mapping[tokenizer.vocab.get(word)!]!;
      let n = 0;
      for (const x of v) n += x * x;
      const scale = 1 / Math.sqrt(Math.max(n, 1e-12));
      for (let j = 0; j < dim; j++) model.embeddings[id * dim + j] = v[j]! * scale;
    }
  }
  sampleRss();

  const report = await trainStaticEncoder(model, corpus, judged, validation, {
    ...o,
    tasks: (o.tasks ?? ['ict', 'bfs']) as PretrainingTask[],
    negatives: negatives.map((n): NegativeSource => (n === 'bm25' ? 'static' : 'dynamic')),
    teacher,
    onEpoch: (r) => {
      sampleRss();
      o.onEpoch?.(r);
    },
  });
  sampleRss();
  writeStaticEncoderFolder(
    o.output,
    model,
    tokenizerJson,
    {
      documents: corpus.count,
      train_queries: trainQueries,
      tasks: [...(o.tasks ?? ['ict', 'bfs'])],
      loss: [...(o.loss ?? ['infonce'])],
      negatives: [...negatives],
    },
    rows.rows === tokenCount ? null : rows.mapping,
  );
  return {
    ...report,
    output: o.output,
    documents: corpus.count,
    vocabulary: tokenCount,
    rows: vocabSize,
    dim,
    trainQueries,
    devQueries,
    seconds: (performance.now() - t0) / 1000,
    peakRss,
  };
}

function tokenizeQueries(tokenizer: WordPieceTokenizer, mapping: Int32Array, texts: readonly string[]): TokenizedTexts {
  const b = new TokenizedTextsBuilder(tokenizer, mapping);
  for (const t of texts) b.add([t]);
  return b.build();
}

/** nDCG@10 (trec_eval's ndcg_cut.10) of the model's exact top 100 over `qids`. */
export function ndcgValidation(queries: TokenizedTexts, qids: readonly string[], docIds: readonly string[], qrels: Qrels): Validation {
  return {
    queries,
    depth: 100,
    measure({ docs, scores }) {
      const run: RunData = new Map();
      qids.forEach((q, i) => run.set(q, { docnos: Array.from(docs[i]!, (d) => docIds[d]!), scores: Array.from(scores[i]!) }));
      const v = evaluateRun(qrels, run, { measures: ['ndcg_cut.10'], averageComplete: true }).all.get('ndcg_cut_10');
      return typeof v === 'number' ? v : 0;
    },
  };
}
