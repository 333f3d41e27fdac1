import type { UploadRequest } from '../../src/domain/upload';
import { Child, startChild } from './child-processes';
import { fetchJson } from './live-server';
import { WRITER_KEY } from './test-app';

/** A service process of the build (dist/), on PostgreSQL, as one of several behind a load balancer. */
export interface Instance {
  child: Child;
  base: string;
}

/**
 * Starts an instance on the PostgreSQL database at `url` (or the SQLite file of `{ file }`) with a free port
 * and the writer's key; resolves once it says where it listens.
 */
export async function startInstance(url: string | { file: string }, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<Instance> {
  // An undefined value leaves the variable out of the child's environment.
  const database: Record<string, string> = typeof url === 'string' ? { DATABASE_URL: url } : { DATABASE_URL: undefined as unknown as string, DATABASE_PATH: url.file };
  const child = startChild('dist/src/server.js', [], {
    PORT: '0', HOST: '127.0.0.1', ...database, API_KEYS: `writer:${WRITER_KEY}`, LOG_LEVEL: 'info', RATE_LIMIT: 'false', ...env,
  });
  const line = await child.line((l) => l.includes('"listening"'), timeoutMs);
  return { child, base: (JSON.parse(line) as { url: string }).url };
}

export async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance || instance.child.process.exitCode !== null) return;
  instance.child.process.kill('SIGTERM');
  await instance.child.closed;
}

/** Every request bounded, so that a hang fails the test instead of stalling it. */
export const get = (base: string, path: string) => fetchJson(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });

export const postJson = (base: string, body: UploadRequest) => fetchJson(`${base}/v1/uploads`, {
  method: 'POST', signal: AbortSignal.timeout(10_000),
  headers: { 'Content-Type': 'application/json', 'X-API-Key': WRITER_KEY },
  body: JSON.stringify(body),
});
