// The request deadline covers the body (issue: reliability and security, finding 7): a
// body trickled in a byte at a time is cut off near --timeout, not 30 s later.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('a slow body', async () => {
  const t = await startTestServer({ dataDir: tempDir(), timeoutMs: 1000 });
  const { hostname, port } = new URL(t.url);

  it('is cut off within a few seconds of a 1 s timeout, and the server answers others meanwhile', async () => {
    const started = performance.now();
    const socket = connect(Number(port), hostname);
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - started)));
    socket.on('error', () => {});
    socket.write(
      `POST /v1/collections/x/search HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      expect((await t.call('GET', '/health')).status).toBe(200);
      const ms = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 8000))]);
      expect(ms).toBeLessThan(4000);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  }, 15_000);
});
