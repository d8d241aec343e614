// SIGKILL while `quarry train-codes` trains, writes its codebook and re-encodes segments: the
// collection opens at the last committed generation, every segment is encoded with the codebook
// its schema names, searches answer, and the next commit removes what the killed run left.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { readLatestManifest, readManifest } from '../../src/collection/manifest.js';
import { readDense } from '../../src/index/dense/dense-registry.js';
import type { IvfPqIndex } from '../../src/index/dense/ivfpq/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const WRITER = resolve(dirname(fileURLToPath(import.meta.url)), '../helpers/train-codes-writer.ts');
const root = tempDir();
const { base } = loadGlove10k('angular');
const schema = parseSchema({ fields: { emb: { type: 'dense', dim: 100, metric: 'cosine', index: 'ivfpq', params: { m: 20 } } } });

function trainUntilKilled(dir: string, killAfterMs: number): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let commits = 0;
    child.stdout.on(
      'data',
      (b: Buffer) =>
        (commits += b
          .toString()
          .split('\n')
          .filter((l) => l.startsWith('committed')).length),
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', () => {
      clearTimeout(timer);
      done(commits);
    });
  });
}

describe('train-codes crash safety', () => {
  it('a kill at any moment leaves the last committed generation, consistent and searchable', async () => {
    const c = buildCollection(
      root,
      Array.from({ length: 2500 }, (_, i) => ({ _id: `w${i}`, emb: Array.from(base.data.subarray(i * 100, (i + 1) * 100)) })),
      schema,
      { flushDocs: 900 },
    );
    let total = 0;
    for (const ms of [900, 2700, 6000, 15000]) {
      total += await trainUntilKilled(c.dir, ms);
      const m = readLatestManifest(c.dir);
      const spec = m.schema.fields.emb!;
      const version = spec.type === 'dense' ? spec.codebook?.version : undefined;
      for (const s of m.segments) {
        const index = readDense(join(c.dir, s.name, 'emb.vec'), { verifyChecksum: true }) as IvfPqIndex;
        expect(index.codebook?.version, `${ms} ms, ${s.name}`).toBe(version);
        index.close();
      }
      const snap = Collection.open(c.dir).reader();
      expect(snap.searchVector('emb', base.data.subarray(9000 * 100, 9001 * 100), { k: 5, includeStored: false })).toHaveLength(5);
      snap.close();
      // the next commit removes what a killed run left: unreferenced segment folders and codebooks
      const w = c.writer();
      w.add({ _id: `x${ms}`, emb: Array.from(base.data.subarray(9500 * 100, 9501 * 100)) });
      w.commit();
      w.add({ _id: `y${ms}`, emb: Array.from(base.data.subarray(9600 * 100, 9601 * 100)) });
      w.commit();
      w.close();
      // clean-up keeps the current generation and the one before (a reader may be opening it)
      const now = readLatestManifest(c.dir);
      const before = readManifest(c.dir, now.generation - 1);
      const named = new Set([...now.segments, ...before.segments].map((s) => s.name));
      expect(readdirSync(c.dir).filter((f) => f.startsWith('seg-') && !named.has(f))).toEqual([]);
      const keep = new Set(
        [now, before].flatMap((g) => {
          const f = g.schema.fields.emb!;
          return f.type === 'dense' && f.codebook !== undefined ? [`emb.v${f.codebook.version}.safetensors`] : [];
        }),
      );
      const left = existsSync(join(c.dir, 'codebooks')) ? readdirSync(join(c.dir, 'codebooks')) : [];
      expect(left.filter((f) => !keep.has(f))).toEqual([]);
    }
    // the kills came after some commits, so both outcomes were exercised
    expect(total).toBeGreaterThan(0);
  }, 180_000);
});
