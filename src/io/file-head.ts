/** The first bytes of a file, to tell its kind before reading it whole. */
import { closeSync, openSync, readSync } from 'node:fs';

/** The first `bytes` bytes of the file as UTF-8 text, or "" when it cannot be read (the full read then says why). */
export function fileHead(path: string, bytes = 4096): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      return buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
