// Low findings of the reliability issue: `quarry add` of an empty file made an empty
// commit; a `/run` batch accepted the same query id twice (one ranking per query in a run).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCollection } from '../helpers/build-collection.js';
import { quarry } from '../helpers/cli.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

describe('empty adds and duplicate query ids', () => {
  it('quarry add of an empty file fails and commits nothing', () => {
    const root = tempDir();
    const c = buildCollection(root, [{ _id: 'a', title: 't', text: 'solar' }]);
    const empty = writeFile(root, 'empty.jsonl', '\n\n');
    const r = quarry(['add', c.dir, empty]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${empty}: has no documents`);
    expect(readdirSync(c.dir).filter((f) => f.startsWith('manifest-'))).toEqual(['manifest-1.json', 'manifest-2.json']);
  });

  it('a run with the same query id twice is refused, naming the second', async () => {
    const t = await startTestServer({ dataDir: join(tempDir(), 'data') });
    await t.call('PUT', '/v1/collections/c', { schema: { fields: { text: { type: 'text' } } } });
    const r = await t.call('POST', '/v1/collections/c/run', {
      queries: [
        { id: 'q1', text: 'solar' },
        { id: 'q2', text: 'wind' },
        { id: 'q1', text: 'grid' },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('query id "q1" appears twice');
    expect(r.json.error.path).toBe('queries[2].id');
  });
});
