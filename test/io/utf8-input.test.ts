// Files are read as UTF-8 the same way everywhere: a leading byte-order mark is dropped
// (the HTTP path accepts one too), and bytes that are not UTF-8 are refused with the file and
// line, never replaced silently.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/io/line-reader.js';
import { readJsonFile } from '../../src/io/json-file.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir('quarry-utf8-');
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('UTF-8 input', () => {
  it('drops a byte-order mark at the start of line files and JSON files, plain or gzipped', () => {
    const lines = Buffer.concat([BOM, Buffer.from('{"a":1}\n{"b":2}\n')]);
    expect([...readLines(writeFile(dir, 'bom.jsonl', lines))].map(([l]) => l)).toEqual(['{"a":1}', '{"b":2}']);
    expect([...readLines(writeFile(dir, 'bom.jsonl.gz', gzipSync(lines)))].map(([l]) => l)).toEqual(['{"a":1}', '{"b":2}']);
    expect(readJsonFile(writeFile(dir, 'bom.json', Buffer.concat([BOM, Buffer.from('{"x": "é"}')])), 'spec')).toEqual({ x: 'é' });
  });

  it('keeps a real U+FFFD and a BOM-like character after the start', () => {
    expect([...readLines(writeFile(dir, 'fffd.txt', 'a\uFFFDb\n\uFEFFc\n'))].map(([l]) => l)).toEqual(['a\uFFFDb', '\uFEFFc']);
  });

  it('refuses bytes that are not UTF-8, naming file and line', () => {
    const latin1 = writeFile(
      dir,
      'latin1.jsonl',
      Buffer.concat([Buffer.from('{"t":"ok"}\n{"t":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]),
    );
    expect(() => [...readLines(latin1)]).toThrow(/latin1\.jsonl:2: is not valid UTF-8 \(convert it to UTF-8 first/);
    const json = writeFile(dir, 'latin1.json', Buffer.concat([Buffer.from('{"t":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
    expect(() => readJsonFile(json, 'spec')).toThrow(/latin1\.json: is not valid UTF-8/);
  });

  it('a JSON syntax error names the place, never the text around it (a model path may name any file)', () => {
    const secret = writeFile(dir, 'shadow.json', 'root:$6$s3cr3tHash:19000:0:99999:7:::\n');
    let message = '';
    try {
      readJsonFile(secret, 'tokenizer');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/shadow\.json: tokenizer is not valid JSON( \((at character \d+|line \d+, column \d+)\))?$/);
    expect(message).not.toContain('s3cr3t');
  });
});
