// Queries, topics, qrels and runs may be gzipped: read as the plain files, errors named.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readQrels, readRun } from '../../src/eval/index.js';
import { readQueries } from '../../src/io/beir.js';
import { readLines } from '../../src/io/line-reader.js';
import { fileHead } from '../../src/io/text-file.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();
const gz = (name: string, text: string): string => writeFile(dir, name, gzipSync(text));

describe('gzip files', () => {
  it('reads lines (with \\r\\n and no final newline) the way the plain file reads', () => {
    const text = 'a\r\nb\n\nc';
    const plain = [...readLines(writeFile(dir, 'lines.txt', text))];
    expect([...readLines(gz('lines.txt.gz', text))]).toEqual(plain);
    expect(plain).toEqual([
      ['a', 1],
      ['b', 2],
      ['', 3],
      ['c', 4],
    ]);
  });

  it('reads gzipped queries (JSONL, TSV, TREC topics), qrels and runs', () => {
    expect([...readQueries(gz('q.jsonl.gz', '{"_id": "1", "text": "one"}\n'))]).toEqual([['1', 'one']]);
    expect([...readQueries(gz('q.tsv.gz', '2\ttwo\n'))]).toEqual([['2', 'two']]);
    expect([...readQueries(gz('topics.txt.gz', '<top>\n<num> Number: 3\n<title> three\n</top>\n'))]).toEqual([['3', 'three']]);
    expect(readQrels(gz('qrels.gz', '3 0 d1 1\n')).get('3')?.get('d1')).toBe(1);
    expect(readRun(gz('run.gz', '3 Q0 d1 1 2.5 t\n')).run.get('3')).toEqual({ docnos: ['d1'], scores: [2.5] });
    expect(fileHead(gz('head.gz', '<top>\n'.repeat(5000)), 5)).toBe('<top>');
  });

  it('names a .gz file that is not gzip', () => {
    const bad = writeFile(dir, 'bad.run.gz', '3 Q0 d1 1 2.5 t\n');
    expect(errorOf(() => readRun(bad)).message).toMatch(/bad\.run\.gz: cannot decompress.*is it a gzip file/);
  });
});
