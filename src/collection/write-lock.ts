/** The single-writer lock: a `write.lock` file holding the writer's pid. Stale locks of dead processes are taken over. */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ioError } from '../io/atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';

/** A held lock; release it when done writing. */
export interface WriteLock {
  release(): void;
}

/** Takes the write lock of collection `dir`, or fails with LOCKED naming the holder. */
export function acquireWriteLock(dir: string): WriteLock {
  const path = join(dir, 'write.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let held = true;
      return {
        release(): void {
          if (!held) return;
          held = false;
          rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(path, e);
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new QuarryError(
          'LOCKED',
          `another writer (pid ${pid}) is writing this collection`,
          { file: path },
          'wait for it to finish, or remove the lock file if that process is gone',
        );
      }
      if (pid === process.pid) {
        throw new QuarryError(
          'LOCKED',
          'this process already has a writer open on this collection',
          { file: path },
          'close the other writer first',
        );
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new QuarryError('LOCKED', 'could not take the write lock', { file: path });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
