/** Text files read whole or by their first bytes, gzip (`.gz`) or plain. */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { QuarryError } from '../core/quarry-error.js';
import { decodeUtf8 } from './utf8-text.js';

const GZIP = /\.gz$/i;

/** The name a file has without a `.gz` ending: what its extension says about its content. */
export function plainName(path: string): string {
  return path.replace(GZIP, '');
}

/**
 * The first `bytes` bytes of the file's text (decompressed for `.gz`) as UTF-8, to tell
 * its kind before reading it whole; "" when it cannot be read (the full read then says why).
 */
export function fileHead(path: string, bytes = 4096): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(GZIP.test(path) ? 65536 : bytes);
      const n = readSync(fd, buf, 0, buf.length, 0);
      // a sync flush decompresses what the first bytes hold, without asking for the end of the stream
      const text = GZIP.test(path) ? gunzipSync(buf.subarray(0, n), { finishFlush: constants.Z_SYNC_FLUSH }) : buf.subarray(0, n);
      return text.toString('utf8', 0, Math.min(bytes, text.length));
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * The whole text of a file, decompressed for `.gz`. Errors name the file, and `what` it
 * holds when given ("cannot read tokenizer: no such file"); `hint` goes with a file that
 * cannot be read.
 */
export function readTextFile(path: string, what?: string, hint = 'check the path'): string {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new QuarryError('NOT_FOUND', what === undefined ? why : `cannot read ${what}: ${why}`, { file: path }, hint);
  }
  if (!GZIP.test(path)) return decodeUtf8(data, 0, data.length, true, path);
  let plain: Buffer;
  try {
    plain = gunzipSync(data);
  } catch (e) {
    throw new QuarryError('BAD_INPUT', `cannot decompress: ${(e as Error).message}`, { file: path }, 'is it a gzip file?');
  }
  return decodeUtf8(plain, 0, plain.length, true, path);
}
