/** Starts a Quarry server on a free loopback port for a test file and closes it afterwards. */
import { afterAll } from 'vitest';
import { createServer, type QuarryServer, type ServerOptions } from '../../src/server/index.js';

/** A running server and a fetch helper bound to it. */
export interface TestServer {
  server: QuarryServer;
  url: string;
  /** Sends a request; JSON-encodes `body` unless it is a string. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the answer's fields as they expect them
  ): Promise<{ status: number; json: any; text: string; headers: Headers }>;
}

/** Starts a server on 127.0.0.1 with an OS-chosen port. */
export async function startTestServer(options: ServerOptions): Promise<TestServer> {
  const server = await createServer(options);
  const url = await server.listen('127.0.0.1', 0);
  afterAll(() => server.close());
  return {
    server,
    url,
    async call(method, path, body, headers = {}) {
      const h: Record<string, string> = { ...headers };
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        h['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers: h, body: payload });
      const text = await res.text();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the answer's fields as they expect them
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON (metrics, pages, NDJSON)
      }
      return { status: res.status, json, text, headers: res.headers };
    },
  };
}
