/**
 * Durable file operations: write to a temporary file, fsync, rename over the
 * target, fsync the directory. A crash leaves either the old file or the new
 * one, never a mix.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';

/** fsyncs a directory so that a rename or a new file in it is durable. */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    // Some file systems refuse fsync on directories (EISDIR/EINVAL); the rename itself is still atomic.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw ioError(dir, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Atomically replaces `path` with `data`. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    throw ioError(path, e);
  }
  fsyncDirectory(dirname(path));
}

/** Wraps an OS error as a QuarryError naming the file. */
export function ioError(path: string, e: unknown): QuarryError {
  if (e instanceof QuarryError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOSPC')
    return new QuarryError('IO', 'no space left on device', { file: path }, 'free disk space and retry; nothing was committed');
  if (err.code === 'ENOENT') return new QuarryError('NOT_FOUND', 'no such file or directory', { file: path });
  if (err.code === 'EACCES' || err.code === 'EPERM') return new QuarryError('IO', 'permission denied', { file: path });
  return new QuarryError('IO', err.message ?? String(e), { file: path });
}
