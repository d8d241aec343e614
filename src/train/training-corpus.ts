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

/** The segments a document is tokenized as: its title (when it has one) and its text's sentences. */
export function documentSegments(doc: TrainingDocument): string[] {
  const sentences = splitSentences(doc.text);
  return doc.title.trim() === '' ? sentences : [doc.title, ...sentences];
}

/** The text a document is indexed and encoded as, as a `from: ["title", "text"]` field joins it. */
export function documentText(doc: TrainingDocument): string {
  return doc.title === '' ? doc.text : `${doc.title}\n${doc.text}`;
}
