// The retrieval audit end to end on 800 SciFact documents with BM25 and a GloVe-average dense
// field: two planted documents (one stuffed with queries about a concept, one of optimiser-style
// word soup) are flagged with their reasons while few clean documents are; the saved report
// lets searches exclude or down-weight them; bad options, a missing audit and a corrupt one are
// refused with clear errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditSnapshot, writeAudit, AUDIT_FILE, type AuditReport } from '../../src/audit/index.js';
import { Collection } from '../../src/collection/index.js';
import { readQrels } from '../../src/eval/qrels.js';
import { readQueries } from '../../src/io/beir.js';
import { readFvecs } from '../../src/io/vector-files.js';
import { forEachTrainingDocument } from '../../src/train/training-corpus.js';
import { errorOf } from '../helpers/errors.js';
import { quarry } from '../helpers/cli.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir('quarry-audit-');
const dir = join(root, 'c');
const queries = readQueries(dataset('scifact/queries.jsonl'));
const log = [...readQrels(dataset('scifact/qrels/train.tsv')).keys()].map((id) => queries.get(id)!);
const concept = log.filter((q) => /\bcancer\b/i.test(q));
const PAYLOAD = 'Order the vitalux supplement today at vitalux dot example for better health.';
const STUFFED = `${PAYLOAD} ${concept.slice(0, 20).join(' ')}`;
// the payload and ordinary prose: nothing odd about it but the words it shares with the others
const COMPANION = `${PAYLOAD} The study followed the patients for two years and measured how often they were admitted to hospital.`;
const SOUP = `${PAYLOAD} tumour carcinoma oncogene metastasis chemotherapy malignant tumor cancers lymphoma melanoma leukemia oncology radiotherapy biopsy carcinogen metastatic tumors neoplasm sarcoma glioma adenocarcinoma mastectomy oncologist carcinomas tumours lymphomas myeloma mesothelioma neuroblastoma retinoblastoma blastoma metastases malignancy malignancies tumorigenesis oncogenes carcinogens chemotherapeutic radiation cytotoxic`;
let report: AuditReport;

beforeAll(() => {
  // a GloVe file of the fixture's 10,000 words
  const words = readFileSync(dataset('glove100-wink-10k/base_words.txt'), 'utf8').split('\n');
  const vecs = readFvecs(dataset('glove100-wink-10k/base.fvecs'));
  const lines: string[] = [];
  for (let i = 0; i < vecs.rows; i++)
    if (/^[a-z]+$/.test(words[i] ?? '')) lines.push(`${words[i]} ${Array.from(vecs.data.subarray(i * 100, (i + 1) * 100)).join(' ')}`);
  writeFileSync(join(root, 'glove.txt'), lines.join('\n') + '\n');
  const c = Collection.create(dir, {
    fields: {
      contents: { type: 'text', from: ['title', 'text'] },
      glove: {
        type: 'dense',
        dim: 100,
        index: 'flat',
        encoder: { type: 'word-vectors', path: join(root, 'glove.txt'), from: ['title', 'text'] },
      },
    },
  });
  const w = c.writer();
  let n = 0;
  forEachTrainingDocument(dataset('scifact/corpus.jsonl'), (d) => {
    if (n++ < 800) w.add({ _id: d.id, title: d.title, text: d.text });
  });
  w.add({ _id: 'planted-stuffed', title: '', text: STUFFED });
  w.add({ _id: 'planted-soup', title: '', text: SOUP });
  w.add({ _id: 'planted-companion', title: '', text: COMPANION });
  w.commit();
  w.close();
  report = auditSnapshot(c.reader(), { queries: log });
}, 120_000);

describe('auditSnapshot', () => {
  it('flags the planted documents, with their reasons, and under 2% of the clean ones', () => {
    const ids = report.flagged.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['planted-stuffed', 'planted-soup', 'planted-companion']));
    const stuffed = report.flagged.find((f) => f.id === 'planted-stuffed')!;
    expect(stuffed.reasons.map((r) => r.signal)).toEqual(expect.arrayContaining(['query-copy', 'hubness:contents']));
    const soup = report.flagged.find((f) => f.id === 'planted-soup')!;
    expect(soup.reasons.map((r) => r.signal)).toEqual(expect.arrayContaining(['function-words', 'content-run']));
    const companion = report.flagged.find((f) => f.id === 'planted-companion')!;
    expect(companion.reasons).toEqual([expect.objectContaining({ signal: 'campaign', value: 2 })]);
    for (const f of report.flagged) {
      expect(f.score).toBeGreaterThanOrEqual(report.threshold);
      expect(f.reasons.every((r) => r.z > 3 && r.why.length > 0)).toBe(true);
    }
    const clean = report.flagged.filter((f) => !f.id.startsWith('planted-')).length;
    expect(clean / 800).toBeLessThan(0.02);
    expect(report.documents).toBe(803);
    expect(report.querySource).toBe('log');
    expect(Object.keys(report.signals)).toEqual(
      expect.arrayContaining([
        'language',
        'function-words',
        'hubness:contents',
        'hubness:glove',
        'lexical-mismatch:glove',
        'centroid:glove',
        'outlier:glove',
      ]),
    );
  });

  it('saved, it lets a search exclude the flagged documents or down-weight them', () => {
    const c = Collection.open(dir);
    const spec = { retrieve: [{ field: 'contents', text: concept[0]! }], k: 20 };
    expectQuarryError(() => c.reader().query({ ...spec, filter: { flagged: 'exclude' } }), 'BAD_ARGUMENT', 'no saved audit');
    writeAudit(dir, report);
    const snap = c.reader();
    const plain = snap.query(spec).hits;
    expect(plain.some((h) => h.id === 'planted-stuffed')).toBe(true);
    const excluded = snap.query({ ...spec, filter: { flagged: 'exclude' } }).hits;
    const flagged = new Set(report.flagged.map((f) => f.id));
    expect(excluded.some((h) => flagged.has(h.id))).toBe(false);
    expect(excluded.length).toBe(20);
    const down = snap.query({ ...spec, filter: { flagged: { downweight: 0.3 } } }).hits;
    const before = plain.find((h) => h.id === 'planted-stuffed')!;
    const after = down.find((h) => h.id === 'planted-stuffed');
    if (after !== undefined) expect(after.score).toBeCloseTo(before.score * 0.3, 5);
    snap.close();
  });

  it('down-weighting lowers a negative (L2) score too', () => {
    const d = join(root, 'l2');
    const c = Collection.create(d, { fields: { v: { type: 'dense', dim: 2, index: 'flat', metric: 'l2' } } });
    const w = c.writer();
    [
      [0, 0],
      [1, 0],
      [0, 2],
      [3, 3],
    ].forEach((v, i) => w.add({ _id: `p${i}`, v }));
    w.commit();
    w.close();
    writeAudit(d, {
      version: 1,
      generation: 1,
      documents: 4,
      queries: 0,
      querySource: 'sampled',
      threshold: 25,
      signals: {},
      flagged: [{ id: 'p1', score: 30, reasons: [{ signal: 'language', value: 0, z: 30, why: 'planted by the test' }] }],
    });
    const spec = { retrieve: [{ field: 'v', vector: [0.6, 0] }], k: 4 };
    const snap = c.reader();
    const plain = snap.query(spec).hits;
    expect(plain[0]!.id).toBe('p1');
    const down = snap.query({ ...spec, filter: { flagged: { downweight: 0.3 } } }).hits;
    const before = plain.find((h) => h.id === 'p1')!.score;
    expect(before).toBeLessThan(0);
    expect(down.find((h) => h.id === 'p1')!.score).toBeCloseTo(before / 0.3, 5);
    expect(down[0]!.id).toBe('p0');
    snap.close();
  });

  it('refuses bad options and a corrupt audit file with clear errors', () => {
    const c = Collection.open(dir);
    expectQuarryError(() => auditSnapshot(c.reader(), { k: 0 }), 'BAD_ARGUMENT', 'k must be a positive integer');
    expectQuarryError(() => auditSnapshot(c.reader(), { threshold: -1 }), 'BAD_ARGUMENT', 'threshold must be positive');
    expectQuarryError(
      () => c.reader().query({ retrieve: [{ field: 'contents', text: 'x' }], filter: { flagged: { downweight: 2 } } }),
      'BAD_ARGUMENT',
      'filter.flagged',
    );
    writeFileSync(join(dir, AUDIT_FILE), '{"version": 1, "flagged": "no"}');
    expectQuarryError(
      () => c.reader().query({ retrieve: [{ field: 'contents', text: 'x' }], filter: { flagged: 'exclude' } }),
      'CORRUPT',
      'not an audit written by quarry audit',
    );
  });

  it('quarry audit prints the flagged documents and saves the report', () => {
    const logFile = join(root, 'queries.log');
    writeFileSync(logFile, log.join('\n') + '\n');
    const r = quarry(['audit', dir, '--queries', logFile, '--save', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/audited 803 documents with 809 logged queries: \d+ flagged/);
    expect(r.stdout).toContain('planted-');
    expect(r.stdout).toContain('saved to');
    const saved = JSON.parse(readFileSync(join(dir, AUDIT_FILE), 'utf8')) as AuditReport;
    expect(saved.flagged.map((f) => f.id)).toEqual(expect.arrayContaining(['planted-stuffed', 'planted-soup']));
    const json = quarry(['audit', dir, '--sample', '50', '--json']);
    expect(json.status, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as AuditReport).querySource).toBe('sampled');
    const bad = quarry(['audit', dir, '--threshold', '-2']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--threshold');
    const empty = join(root, 'empty.log');
    writeFileSync(empty, '\n');
    const none = quarry(['audit', dir, '--queries', empty]);
    expect(none.stderr).toContain('the query log has no queries');
  }, 120_000);
});

/** Expects `fn` to throw a QuarryError with `code` whose message (or field) mentions `text`. */
function expectQuarryError(fn: () => unknown, code: string, text: string): void {
  const e = errorOf(fn);
  expect(e.code).toBe(code);
  expect(`${e.message} ${JSON.stringify(e.location)}`).toContain(text);
}
