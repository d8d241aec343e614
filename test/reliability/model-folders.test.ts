// Model paths in schemas sent over HTTP stay inside the folders given with --models
// (issue: reliability and security, low findings): otherwise an admin key could point an
// encoder at any readable file, and loading errors could echo its contents.
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataset, HAVE_DATASETS } from '../helpers/shared-data.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir('quarry-model-folders-');
const models = join(root, 'models');
mkdirSync(models);
const schema = (path: string) => ({
  fields: { emb: { type: 'dense', dim: 2, index: 'flat', encoder: { type: 'model2vec', path, from: ['text'] } } },
});

describe.skipIf(!HAVE_DATASETS)('model folders', async () => {
  cpSync(dataset('model2vec-rs-fixtures', 'test-model-float32'), join(models, 'm2v'), { recursive: true });
  symlinkSync('/etc', join(models, 'escape'));
  const confined = await startTestServer({ dataDir: join(root, 'data'), modelDirs: [models] });
  const closed = await startTestServer({ dataDir: join(root, 'data2') });

  it('takes a model inside the folder, by relative or absolute path', async () => {
    expect((await confined.call('PUT', '/v1/collections/a', { schema: schema('m2v') })).status).toBe(201);
    const b = await confined.call('PUT', '/v1/collections/b', { schema: schema(join(models, 'm2v')) });
    expect(b.status).toBe(201);
    expect(b.json.schema.fields.emb.encoder.path).toBe(join(models, 'm2v'));
    const add = await confined.call('POST', '/v1/collections/a/documents', {
      documents: [{ _id: 'x', text: 'hello world' }],
      commit: true,
    });
    expect(add.status).toBe(200);
  });

  it('refuses paths outside it, through .. or a symbolic link, naming the setting', async () => {
    for (const p of ['/etc', '../data', 'escape/passwd']) {
      const r = await confined.call('PUT', `/v1/collections/bad${p.length}`, { schema: schema(p) });
      expect(r.status).toBe(400);
      expect(r.json.error.path).toBe('schema.fields.emb.encoder.path');
      expect(r.json.error.message).toContain("is outside the server's models folders");
    }
  });

  it('without --models a schema sent over HTTP may name no model', async () => {
    const r = await closed.call('PUT', '/v1/collections/c', { schema: schema('/tmp') });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('this server reads no models: it was started without a models folder');
    expect((await closed.call('PUT', '/v1/collections/d', { schema: { fields: { t: { type: 'text' } } } })).status).toBe(201);
  });
});
