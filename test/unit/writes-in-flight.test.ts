import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WritesInFlight } from '../../src/http/writes-in-flight';

/** A real express app with the counter first, and a route that answers a request once its body has ended. */
async function serve(writes: WritesInFlight) {
  const app = express();
  app.use(writes.middleware);
  app.all('/', (req, res) => {
    req.resume();
    req.on('end', () => res.status(204).end());
  });
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const responded = (req: http.ClientRequest) => new Promise<number>((resolve, reject) => {
  req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
  req.on('error', reject);
});

describe('Writes in flight', () => {
  test('A write counts from its first byte until its answer is sent; a read never counts', async () => {
    const writes = new WritesInFlight();
    const { server, port } = await serve(writes);
    try {
      const post = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' } });
      const postDone = responded(post);
      post.write('part of a table');
      for (let i = 0; i < 500 && !writes.busy; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      const duringWrite = writes.busy;

      const get = http.request({ port, host: '127.0.0.1', method: 'GET', path: '/' });
      const getDone = responded(get);
      get.end();
      expect(await getDone).toBe(204);
      const afterRead = writes.busy;

      post.end();
      expect(await postDone).toBe(204);
      for (let i = 0; i < 500 && writes.busy; i++) await new Promise((resolve) => setTimeout(resolve, 5));

      expect([duringWrite, afterRead, writes.busy]).toEqual([true, true, false]);
    } finally {
      server.close();
    }
  });

  test('A write whose client goes away stops counting', async () => {
    const writes = new WritesInFlight();
    const { server, port } = await serve(writes);
    try {
      const post = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'transfer-encoding': 'chunked' } });
      post.on('error', () => undefined);
      post.write('x');
      for (let i = 0; i < 500 && !writes.busy; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      const before = writes.busy;
      post.destroy();
      for (let i = 0; i < 500 && writes.busy; i++) await new Promise((resolve) => setTimeout(resolve, 5));

      expect([before, writes.busy]).toEqual([true, false]);
    } finally {
      server.close();
    }
  });
});
