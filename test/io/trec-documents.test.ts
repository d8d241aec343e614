// TREC document files (<DOC><DOCNO>...) and corpus folders, read as Anserini's TrecCollection
// reads them, and the errors malformed or compressed input gets.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { readCorpusRecords, readCorpusRecordsAsync } from '../../src/io/corpus-files.js';
import { errorOf } from '../helpers/errors.js';
import { readTrecDocuments } from '../../src/io/trec-documents.js';
import { Collection } from '../../src/collection/index.js';
import { quarry } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();

const TREC = `<DOC>
<DOCNO> LA010189-0001 </DOCNO>
<DOCID> 1 </DOCID>
<DATE>
<P>
January 1, 1989, Sunday
</P>
</DATE>
<BYLINE>
By a staff writer
</BYLINE>
<HEADLINE>
<P>
Rivers &amp; dams: a survey
</P>
</HEADLINE>
<TEXT>
<P>
The river's flow fell by 20&#37; this year.
</P>
</TEXT>
</DOC>
<DOC>
<DOCNO>
FT911-3
</DOCNO>
<PROFILE>_AN-BEOA7AAIFT</PROFILE>
<TEXT>Short text on one line.</TEXT>
</DOC>
<DOC>
<DOCNO>FR940104-0-00001</DOCNO>
<PARENT> FR940104-0-00001 </PARENT>
<BODY>
No content tag here: everything after the DOCNO.
</BODY>
</DOC>
`;

describe('TREC documents', () => {
  it('reads DOCNO (also over lines) and the content tags, without markup, entities decoded', () => {
    const docs = [...readTrecDocuments(writeFile(dir, 'la.trec', TREC))];
    expect(docs.map((d) => [d.record._id, d.line])).toEqual([
      ['LA010189-0001', 1],
      ['FT911-3', 23],
      ['FR940104-0-00001', 30],
    ]);
    // DATE, HEADLINE and TEXT are content; BYLINE and DOCID are not
    expect(docs[0]!.record.text).toBe("January 1, 1989, Sunday\nRivers & dams: a survey\nThe river's flow fell by 20% this year.");
    expect(docs[1]!.record.text).toBe('Short text on one line.');
    expect(docs[2]!.record.text).toBe('FR940104-0-00001\nNo content tag here: everything after the DOCNO.');
  });

  it('names the file and line of malformed documents', () => {
    const read = (name: string, text: string) => () => [...readTrecDocuments(writeFile(dir, name, text))];
    expect(errorOf(read('nodocno.trec', '<DOC>\n<TEXT>x</TEXT>\n</DOC>\n')).message).toMatch(/nodocno\.trec:1: document has no <DOCNO>/);
    expect(errorOf(read('open.trec', '<DOC>\n<DOCNO>a</DOCNO>\n<DOC>\n')).message).toMatch(
      /open\.trec:3: the document opened at line 1 is not closed/,
    );
    expect(errorOf(read('tail.trec', '<DOC>\n<DOCNO>a</DOCNO>\n<TEXT>x\n')).message).toMatch(
      /tail\.trec:1: the last document is not closed/,
    );
    expect(errorOf(read('stray.trec', '<DOC>\n<DOCNO>a</DOCNO>\n</DOC>\nstray\n')).message).toMatch(/stray\.trec:4: expected <DOC>/);
  });

  it('reads a folder of TREC and JSONL files in path order, and refuses compressed files', () => {
    const corpus = join(dir, 'corpus');
    mkdirSync(join(corpus, 'la'), { recursive: true });
    writeFile(corpus, 'a.jsonl', '{"_id": "j1", "title": "", "text": "json document"}\n');
    writeFile(join(corpus, 'la'), 'la010189', TREC);
    writeFile(corpus, 'README', 'not a document');
    expect([...readCorpusRecords(corpus)].map((r) => [r.record._id, r.file.slice(corpus.length + 1), r.line])).toEqual([
      ['j1', 'a.jsonl', 1],
      ['LA010189-0001', 'la/la010189', 1],
      ['FT911-3', 'la/la010189', 23],
      ['FR940104-0-00001', 'la/la010189', 30],
    ]);
    writeFile(corpus, 'fr940104.0z', 'compressed');
    expect(errorOf(() => [...readCorpusRecords(corpus)]).message).toMatch(/fr940104\.0z: is compressed.*\(decompress it first/);
  });

  it('reads gzip files asynchronously, naming the .gz file and the line of its text', async () => {
    const corpus = join(dir, 'gz-corpus');
    mkdirSync(corpus);
    writeFile(corpus, 'a.jsonl.gz', gzipSync('{"_id": "j1", "text": "json"}\n{"_id": "j2", "text": "more"}\n'));
    writeFile(corpus, 'b.trec.gz', gzipSync(TREC));
    writeFile(corpus, 'c.jsonl', '{"_id": "plain", "text": "x"}\n');
    const seen: [unknown, string, number][] = [];
    const fractions: number[] = [];
    for await (const r of readCorpusRecordsAsync(corpus, (bytes, total) => fractions.push(bytes / total)))
      seen.push([r.record._id, r.file.slice(corpus.length + 1), r.line]);
    expect(seen).toEqual([
      ['j1', 'a.jsonl.gz', 1],
      ['j2', 'a.jsonl.gz', 2],
      ['LA010189-0001', 'b.trec.gz', 1],
      ['FT911-3', 'b.trec.gz', 23],
      ['FR940104-0-00001', 'b.trec.gz', 30],
      ['plain', 'c.jsonl', 1],
    ]);
    expect(fractions.at(-1)).toBeCloseTo(1, 9);
    // the synchronous reader decompresses in memory and reads the same records
    expect([...readCorpusRecords(corpus)].map((r) => [r.record._id, r.file.slice(corpus.length + 1), r.line])).toEqual(seen);
    writeFile(corpus, 'd.gz', 'not gzip at all');
    await expect(
      (async () => {
        for await (const r of readCorpusRecordsAsync(corpus)) void r;
      })(),
    ).rejects.toThrow(/d\.gz: cannot decompress.*is it a gzip file/);
  });

  it('quarry index takes a folder, and a bad document names its file and line', () => {
    const corpus = join(dir, 'cli-corpus');
    mkdirSync(corpus);
    writeFile(corpus, 'la', TREC);
    const idx = join(dir, 'idx');
    const r = quarry(['index', idx, '--corpus', corpus, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const hits = Collection.open(idx).reader().search('rivers dams', { k: 1 });
    expect(hits[0]!.id).toBe('LA010189-0001');
    writeFile(corpus, 'more.jsonl.gz', gzipSync('{"_id": "g1", "title": "", "text": "gzipped glaciers"}\n'));
    const withGz = quarry(['index', join(dir, 'idx-gz'), '--corpus', corpus, '--quiet', '--json']);
    expect(withGz.status, withGz.stderr).toBe(0);
    expect((JSON.parse(withGz.stdout) as { documents: number }).documents).toBe(4);
    const added = quarry([
      'add',
      idx,
      writeFile(dir, 'more.trec', '<DOC>\n<DOCNO>X-1</DOCNO>\n<TEXT>added later</TEXT>\n</DOC>\n'),
      '--json',
    ]);
    expect(added.status, added.stderr).toBe(0);
    expect(Collection.open(idx).reader().search('added later', { k: 1 })[0]!.id).toBe('X-1');
    writeFile(corpus, 'z-bad', '<DOC>\n<TEXT>no number</TEXT>\n</DOC>\n');
    const bad = quarry(['index', join(dir, 'idx2'), '--corpus', corpus, '--quiet']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/z-bad:1: document has no <DOCNO>/);
  });
});
