// The search and evaluation pages in a real browser: Debian's Chromium
// driven by playwright-core loads the page, searches the bundled CACM
// collection, checks the results against the library and takes a
// screenshot; the evaluation page runs a judged batch and plots a
// benchmark file's recall–latency points.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Collection } from '../../src/collection/index.js';
import { CACM_FILES } from '../../src/cli/bundled-data.js';
import { importCorpus } from '../../src/ingest/import-corpus.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const CHROMIUM = process.env.QUARRY_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM))
  throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does, or set QUARRY_CHROMIUM`);

const dir = tempDir('quarry-browser-');
const data = join(dir, 'data');
importCorpus(join(data, 'cacm'), CACM_FILES.corpus);
const bench = join(dir, 'bench');
mkdirSync(bench);
writeFileSync(
  join(bench, 'dense.json'),
  JSON.stringify({
    results: [
      {
        engine: 'quarry-hnsw',
        dataset: 'fixture',
        points: [
          { setting: 'efSearch 10', recall: 0.6, msPerQuery: 0.1 },
          { setting: 'efSearch 100', recall: 0.9, msPerQuery: 0.5 },
        ],
      },
      {
        engine: 'other-hnsw',
        dataset: 'fixture',
        points: [
          { setting: 'ef 10', recall: 0.62, msPerQuery: 0.08 },
          { setting: 'ef 100', recall: 0.91, msPerQuery: 0.4 },
        ],
      },
    ],
  }),
);
const papers = Collection.create(join(data, 'papers'), {
  fields: { title: { type: 'text' }, body: { type: 'text' }, lang: { type: 'keyword' } },
});
const pw = papers.writer();
pw.addBatch(
  [
    { _id: 'p1', title: 'Sparse retrieval', body: 'Learned sparse retrieval with SPLADE', lang: 'en' },
    { _id: 'p2', title: 'Dense retrieval', body: 'Dual encoders for retrieval', lang: 'en' },
    { _id: 'p3', title: 'Recherche', body: 'retrieval en français', lang: 'fr' },
    { _id: 'p4', title: 'Unrelated', body: 'nothing to see', lang: 'de' },
  ],
  'add',
);
pw.commit();
pw.close();
const t = await startTestServer({ dataDir: data, benchDir: bench });

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 60_000);
afterAll(async () => browser?.close());

describe('search page', () => {
  it('searches the bundled collection and shows highlighted, explained results', async () => {
    await page.goto(`${t.url}/`);
    await page.waitForSelector('#collection option[value="cacm"]', { state: 'attached' });
    await page.waitForSelector('#fields input[value="contents"]');
    await page.fill('#query', 'parsing algorithms');
    await page.press('#query', 'Enter');
    await page.waitForSelector('#results .hit');

    const ids = await page.$$eval('#results .hit', (els) => els.map((e) => (e as HTMLElement).dataset.id));
    const direct = Collection.open(join(data, 'cacm'))
      .reader()
      .query({ retrieve: [{ field: 'contents', text: 'parsing algorithms' }], k: 20 });
    expect(ids).toEqual(direct.hits.map((h) => h.id));
    expect(await page.textContent('#status')).toMatch(/showing 20/);

    const marks = await page.$$eval('#results .hit:first-child mark', (els) => els.map((e) => e.textContent ?? ''));
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(m.toLowerCase()).toMatch(/^(pars|algorithm)/);
    expect(await page.textContent('#results .hit:first-child .legs')).toMatch(/contents: #1 · \d+\.\d{4}/);

    await page.click('#results .hit:first-child details.explain summary');
    expect(await page.textContent('#results .hit:first-child details.explain pre')).toContain('bm25');
    expect(page.url()).toContain('q=parsing+algorithms');

    const shot = join(dir, 'search.png');
    await page.screenshot({ path: shot });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 900]);
    // A blank or unstyled page compresses to a few kilobytes; a rendered result list does not.
    expect(png.length).toBeGreaterThan(40_000);
    if (process.env.QUARRY_SCREENSHOTS) writeFileSync(join(process.env.QUARRY_SCREENSHOTS, 'search.png'), png);
  }, 30_000);

  it('reads the query in Lucene syntax when asked, highlighting only what it searches for', async () => {
    await page.fill('#query', '"parsing algorithm" -ambiguous');
    const [request] = await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).pathname.endsWith('/search') && (r.postData() ?? '').includes('"lucene"')),
      page.check('#syntax'),
    ]);
    expect(JSON.parse(request.postData()!).retrieve).toEqual([
      { field: 'contents', text: '"parsing algorithm" -ambiguous', syntax: 'lucene' },
    ]);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('ranked from the top 100'));
    const direct = Collection.open(join(data, 'cacm')).reader().search('"parsing algorithm" -ambiguous', { syntax: 'lucene', k: 20 });
    await page.waitForFunction((n) => document.querySelectorAll('#results .hit').length === n, direct.length);
    expect(await page.$$eval('#results .hit', (els) => els.map((e) => (e as HTMLElement).dataset.id))).toEqual(direct.map((h) => h.id));
    const marks = await page.$$eval('#results mark', (els) => els.map((e) => (e.textContent ?? '').toLowerCase()));
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(m).toMatch(/^(pars|algorithm)/);
    expect(page.url()).toContain('syntax=lucene');
    // a syntax error is reported on the page with its column
    await page.fill('#query', '"parsing algorithm');
    await page.press('#query', 'Enter');
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toMatch(/column 1: this quote is not closed/);
    // the previous query's results do not stay under this query's error
    expect(await page.$$eval('#results .hit', (els) => els.length)).toBe(0);
    await page.uncheck('#syntax');
  }, 30_000);

  it('reports a bad query without breaking the page', async () => {
    await page.evaluate(() => {
      (document.querySelector('#k') as HTMLSelectElement).innerHTML = '<option>100000</option>';
    });
    await page.press('#query', 'Enter');
    await page.waitForSelector('#status.error');
    expect(await page.textContent('#status')).toMatch(/BAD_REQUEST: body.k must be at most 10000/);
  });
});

describe('a phone-width window', () => {
  it('at 390 px the page does not scroll sideways, and a hit without a title shows its id once', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      await phone.goto(`${t.url}/?collection=cacm&q=parsing`);
      await phone.waitForSelector('#results .hit');
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      // CACM stores no title: the id is the heading, and no "id …" line repeats it
      const first = await phone.$eval('#results .hit', (e) => ({
        id: (e as HTMLElement).dataset.id,
        title: e.querySelector('.title')?.textContent,
      }));
      expect(first.title).toBe(first.id);
      expect(await phone.$$eval('#results .hit .doc-id', (els) => els.length)).toBe(0);
    } finally {
      await phone.close();
    }
  }, 30_000);
});

describe('facets and fields', () => {
  it('filters by a facet value and fuses the chosen text fields', async () => {
    await page.goto(`${t.url}/?collection=papers&q=retrieval`);
    await page.waitForSelector('#results .hit');
    expect(await page.$$eval('#results .hit', (els) => els.map((e) => (e as HTMLElement).dataset.id).sort())).toEqual(['p1', 'p2', 'p3']);
    expect(await page.isVisible('#fusion-row')).toBe(true);
    expect(await page.textContent('#results .hit:first-child .legs')).toMatch(/title: .*body: /s);
    // choosing CombMNZ searches again with that fusion, and the page still shows hits
    const [request] = await Promise.all([
      page.waitForRequest((r) => new URL(r.url()).pathname.endsWith('/search') && (r.postData() ?? '').includes('"mnz"')),
      page.selectOption('#fusion', 'mnz'),
    ]);
    expect(JSON.parse(request.postData()!).fuse).toEqual({ method: 'mnz', normalize: 'minmax' });
    await page.waitForSelector('#results .hit');
    expect(await page.getAttribute('#status', 'class')).not.toContain('error');
    await page.selectOption('#fusion', 'rrf');
    const facetLabels = await page.$$eval('#facets label', (els) => els.map((e) => e.textContent?.trim()));
    expect(facetLabels).toEqual(['en (2)', 'fr (1)']);
    await page.click('#facets label:has-text("fr") input');
    await page.waitForFunction(() => document.querySelectorAll('#results .hit').length === 1);
    expect(await page.getAttribute('#results .hit', 'data-id')).toBe('p3');
    await page.click('#fields input[value="title"]');
    await page.waitForFunction(() => !document.querySelector('#results .hit .legs')?.textContent?.includes('title'));
    expect(await page.textContent('#results .hit .legs')).toMatch(/^body: #1/);
  }, 30_000);
});

describe('evaluation page', () => {
  it('evaluates a judged batch and plots benchmark results', async () => {
    await page.goto(`${t.url}/eval`);
    await page.waitForSelector('svg.plot');
    const legend = await page.$$eval('svg.plot text.legend', (els) => els.map((e) => e.textContent));
    expect(legend).toEqual(['quarry-hnsw · fixture', 'other-hnsw · fixture']);
    expect(await page.$$eval('svg.plot circle', (els) => els.length)).toBe(4);

    const queries = readFileSync(CACM_FILES.queries, 'utf8')
      .trim()
      .split('\n')
      .slice(0, 10)
      .map((l) => JSON.parse(l) as { _id: string; text: string });
    await page.fill('#queries', queries.map((q) => `${q._id}\t${q.text}`).join('\n'));
    await page.fill('#qrels', readFileSync(CACM_FILES.qrels, 'utf8'));
    await page.fill('#measures', 'map P.10');
    await page.click('#eval-form button[type=submit]');
    await page.waitForSelector('#eval-result table');
    const rows = await page.$$eval('#eval-result table:first-of-type tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    const map = rows.find((r) => r[0] === 'map');
    expect(Number(map?.[1])).toBeGreaterThan(0.1);
    const shot = join(dir, 'eval.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.QUARRY_SCREENSHOTS) writeFileSync(join(process.env.QUARRY_SCREENSHOTS, 'eval.png'), readFileSync(shot));
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
