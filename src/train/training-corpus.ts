/**
 * A corpus read for training: each record's id, title and text (BEIR's
 * `_id`/`title`/`text`, TREC documents alike), read as a stream so a corpus of
 * millions of passages is never held as strings: once to count the
 * vocabulary, once to tokenize. A document is its title followed by its
 * text's sentences, the segments pre-training tasks pick from.
 */
import { QuarryError } from '../core/quarry-error.js';
import type { ProgressHandler } from '../io/line-reader.js';
import { readCorpusRecords } from '../io/corpus-files.js';
import { splitSentences } from '../text/sentences.js';

/** One training document. */
export interface TrainingDocument {
  id: string;
  title: string;
  text: string;
}

/** Calls `onDoc` with each document of the corpus at `path` (a file or a folder); returns the count. */
export function forEachTrainingDocument(path: string, onDoc: (doc: TrainingDocument) => void, onProgress?: ProgressHandler): number {
  let n = 0;
  for (const { record, file, line } of readCorpusRecords(path, onProgress)) {
    const id = record._id ?? record.id;
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new QuarryError('BAD_INPUT', 'the record has no _id', { file, line }, 'each corpus record needs an "_id" (BEIR layout)');
    const title = typeof record.title === 'string' ? record.title : '';
    const text = typeof record.text === 'string' ? record.text : typeof record.contents === 'string' ? record.contents : '';
    onDoc({ id: String(id), title, text });
    n++;
  }
  if (n === 0)
    throw new QuarryError('EMPTY', 'the corpus has no documents', { file: path }, 'give a JSONL file of {"_id", "title", "text"} records');
  return n;
}

/** Longest word window a lone segment is cut into, so unpunctuated text still gives pre-training pairs. */
const WINDOW_WORDS = 16;

/**
 * The segments a document is tokenized as: its title (when it has one) and its text's
 * sentences. A document of one segment (a bare title, or text without sentence
 * punctuation) is cut into word windows of at most 16 words, at least two when it has
 * four words or more, so ICT and BFS can still pair its parts.
 */
export function documentSegments(doc: TrainingDocument): string[] {
  const sentences = splitSentences(doc.text);
  const segments = doc.title.trim() === '' ? sentences : [doc.title, ...sentences];
  if (segments.length !== 1) return segments;
  const words = segments[0]!.split(/\s+/).filter((w) => w !== '');
  if (words.length < 4) return segments;
  const size = Math.min(WINDOW_WORDS, Math.ceil(words.length / 2));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(' '));
  return out;
}

/** The text a document is indexed and encoded as, as a `from: ["title", "text"]` field joins it. */
export function documentText(doc: TrainingDocument): string {
  return doc.title === '' ? doc.text : `${doc.title}\n${doc.text}`;
}
