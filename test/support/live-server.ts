import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientErrors } from '../../src/http/client-error';
import { createTestApp, expectResponsesMatchContract, type TestApp } from './test-app';

export interface LiveServer {
  /** e.g. http://127.0.0.1:40123 */
  base: string;
  close(): Promise<void>;
}

/**
 * The test app listening on a free loopback port, for clients that need a real socket (fetch, a browser),
 * and answering what Node's parser refuses as the service's server does.
 */
export async function listen(t: TestApp): Promise<LiveServer> {
  const server: Server = t.app.listen(0, '127.0.0.1');
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: any; // whatever the service answered
}

/** fetch, with the body read as JSON (or kept as text when it is not JSON). */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<JsonAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/**
 * The real app on a real loopback port for the tests of a describe block; afterwards every response it gave
 * is checked against the OpenAPI document, and it is closed.
 */
export function liveAppUnderTest(env: Record<string, string> = {}): { t: () => TestApp; base: () => string } {
  let t: TestApp | undefined;
  let live: LiveServer | undefined;
  beforeAll(async () => {
    t = await createTestApp(env);
    live = await listen(t);
  });
  afterAll(async () => {
    await live?.close();
    if (!t) return;
    try {
      expectResponsesMatchContract(t);
    } finally {
      await t.close();
    }
  });
  const running = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The live app exists only while the tests of its block run.');
    return value;
  };
  return { t: () => running(t), base: () => running(live).base };
}
