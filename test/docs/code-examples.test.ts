// The TypeScript and JSON examples of README.md and docs/ are valid (issue: developer
// experience): every `ts` block type-checks against the package as a user installs it
// (`import … from 'quarry'` resolved through package.json's exports to dist/*.d.ts,
// strict mode); every `json` block is a schema, a query spec, an API keys file or lines
// of JSON output, and is accepted by what reads it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/collection/schema.js';
import { parseQuerySpec } from '../../src/search/query-spec.js';
import { readKeysFile } from '../../src/server/api-keys.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ROOT, exampleDocs, readBlocks } from './markdown-examples.js';

const blocks = exampleDocs().flatMap((path) => readBlocks(path));

describe('code examples of README.md and docs/', () => {
  it('every TypeScript example type-checks against the built package', () => {
    const ts = blocks.filter((b) => b.lang === 'ts');
    expect(ts.length).toBeGreaterThan(3);
    const dir = tempDir('quarry-doc-ts-');
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'quarry'));
    symlinkSync(join(ROOT, 'node_modules', '@types'), join(dir, 'node_modules', '@types'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    );
    const names = new Map<string, string>();
    ts.forEach((b, i) => {
      const name = `example-${i}.ts`;
      names.set(name, `${b.doc}:${b.line}`);
      // each block is a module of its own (top-level await, its own names)
      writeFileSync(join(dir, name), `${b.text}\nexport {};\n`);
    });
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e);
    }
    // name the Markdown file and line of each error
    const located = output.replace(/example-\d+\.ts/g, (n) => names.get(n) ?? n);
    expect(located).toBe('');
  }, 120_000);

  it('every JSON example is accepted by what reads it', () => {
    const json = blocks.filter((b) => b.lang === 'json');
    expect(json.length).toBeGreaterThan(5);
    for (const b of json) {
      const where = `${b.doc}:${b.line}`;
      let value: unknown;
      try {
        value = JSON.parse(b.text);
      } catch {
        // JSON lines: output examples, one object per line
        const lines = b.text.split('\n').filter((l) => l.trim() !== '');
        expect(lines.length, `${where}: neither JSON nor JSON lines`).toBeGreaterThan(1);
        for (const l of lines) expect(() => JSON.parse(l), `${where}: ${l}`).not.toThrow();
        continue;
      }
      const o = value as Record<string, unknown>;
      if ('fields' in o) expect(() => parseSchema(o, where), where).not.toThrow();
      else if ('retrieve' in o) expect(() => parseQuerySpec(o), where).not.toThrow();
      else if ('keys' in o) {
        const file = join(tempDir(), 'keys.json');
        writeFileSync(file, b.text);
        expect(readKeysFile(file).length, where).toBeGreaterThan(0);
      } else expect.fail(`${where}: a JSON example that is neither a schema, a query spec nor a keys file`);
    }
  });
});
