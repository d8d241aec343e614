/**
 * Decoding file bytes as UTF-8 the same way on every input path: a byte-order mark
 * at the start is dropped (editors on Windows write one; the HTTP path accepts it
 * too), and bytes that are not UTF-8 are refused naming the place, never silently
 * replaced by U+FFFD.
 */
import { isUtf8 } from 'node:buffer';
import { QuarryError } from '../core/quarry-error.js';

const BOM = 0xfeff;

/**
 * `bytes[start, end)` decoded; `first` says whether they open the file (a BOM is then
 * dropped). Throws BAD_INPUT naming `file` and `line` when they are not UTF-8.
 */
export function decodeUtf8(bytes: Buffer, start: number, end: number, first: boolean, file: string, line?: number): string {
  let text = bytes.toString('utf8', start, end);
  // a U+FFFD in the text is either a real one (valid UTF-8: EF BF BD) or a replaced bad byte
  if (text.includes('\uFFFD') && !isUtf8(bytes.subarray(start, end)))
    throw new QuarryError(
      'BAD_INPUT',
      'is not valid UTF-8',
      line === undefined ? { file } : { file, line },
      'convert it to UTF-8 first, e.g. with iconv -f latin1 -t utf-8',
    );
  if (first && text.charCodeAt(0) === BOM) text = text.slice(1);
  return text;
}
