// The fuzzing harness (bench/fuzz), briefly: every target takes a few hundred random
// inputs and none crashes, hangs past the deadline or answers 500 (`npm run bench -- fuzz`
// runs it at length).
import { describe, expect, it } from 'vitest';
import { createFuzzTargets, fuzz } from '../../bench/fuzz/targets.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('fuzzing harness', async () => {
  const { targets, close } = await createFuzzTargets(tempDir('quarry-fuzz-'));

  it.each(targets.map((t) => [t.name, t] as const))(
    '%s: no crash, hang or 5xx',
    async (_name, target) => {
      const r = await fuzz(target, { executions: 300, seconds: 8, deadlineMs: 2000, seed: 7 });
      expect([...r.crashes.entries()]).toEqual([]);
      expect(r.hangs).toBe(0);
      expect(r.serverErrors).toBe(0);
      expect(r.executions).toBeGreaterThan(50);
    },
    30_000,
  );

  it('closes', async () => {
    await close();
  });
});
