// Errors the HTTP layer raises before a route runs use the API's error shape too: oversized
// headers (431), a malformed URL (400); and a key sent in the URL by mistake is never logged.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { redactUrlSecrets } from '../../src/server/app.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Sends raw bytes and returns the whole answer. */
function raw(url: string, request: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    let data = '';
    const c = net.connect(Number(port), '127.0.0.1', () => c.write(request));
    c.on('data', (b) => (data += b.toString()));
    c.on('close', () => resolve(data));
  });
}

const bodyOf = (answer: string): unknown => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('HTTP-level errors', () => {
  it('431 for oversized headers and 400 for a malformed URL, in the error shape', async () => {
    const t = await startTestServer({ dataDir: tempDir() });
    const big = await raw(t.url, `GET /v1/collections HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\nConnection: close\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(big)).toEqual({
      error: {
        code: 'TOO_LARGE',
        message: 'the request headers are larger than the server accepts',
        path: 'headers',
        hint: 'send shorter headers',
      },
    });
    const bad = await raw(t.url, 'GET /v1/collections/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(bad)).toEqual({
      error: { code: 'BAD_REQUEST', message: 'the URL is not valid: a percent sign must start a %XX escape of UTF-8', path: 'url' },
    });
    expect((await t.call('GET', '/health')).status).toBe(200);
  });

  it('secret-looking query parameters are redacted from logged URLs', () => {
    expect(redactUrlSecrets('/v1/collections?api_key=abc&x=1&token=t&Key=K')).toBe(
      '/v1/collections?api_key=[redacted]&x=1&token=[redacted]&Key=[redacted]',
    );
    expect(redactUrlSecrets('/health')).toBe('/health');
  });
});
