/**
 * The baselines the service is compared with, run as a child process by targets.ts:
 * `node dist/bench/bare-server.js express|http <bodies.json>`. Each path in the file is answered with
 * exactly its bytes as application/json: a bare express 5 app with express's defaults, or a bare
 * node:http handler. The port is sent to the parent over IPC.
 */
import express from 'express';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const [kind, file] = process.argv.slice(2);
const encoded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
const bodies = new Map(Object.entries(encoded).map(([p, b]) => [p, Buffer.from(b, 'base64')]));

let server: Server;
if (kind === 'express') {
  const app = express();
  for (const [p, body] of bodies) {
    app.get(p, (_req, res) => {
      res.type('application/json').send(body);
    });
  }
  server = app.listen(0, '127.0.0.1');
} else if (kind === 'http') {
  server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (req.method !== 'GET' || !body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
} else {
  throw new Error(`unknown bare server "${kind}": use express or http`);
}

server.once('listening', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
