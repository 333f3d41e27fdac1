import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twenteUpload } from '../support/factories';
import { appUnderTest, WRITER_KEY } from '../support/test-app';
import { TSV, twenteTsv } from '../tables/publication-files';

interface Answer {
  status: number;
  body: string;
}

describe('Write instants follow commit order', () => {
  const app = appUnderTest('each');

  test('When a JSON upload commits while a table file of the same region is still arriving, then ids and uploadedAt agree, the table is current, and asOf now reads the current figures', async () => {
    // Arrange: the live app, with a note when the table request has reached it
    let arrived!: () => void;
    const tableArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const outer = express();
    outer.use((req, _res, next) => {
      if (req.headers['content-type'] === TSV) arrived();
      next();
    });
    outer.use(app().app);
    const server = outer.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const tsv = twenteTsv();
      const half = Math.floor(tsv.length / 2);
      const table = http.request({
        host: '127.0.0.1', port, method: 'POST', path: '/v1/uploads?period=2026-06&registerTotal=10371',
        headers: { 'Content-Type': TSV, 'X-API-Key': WRITER_KEY, 'Content-Length': Buffer.byteLength(tsv) },
      });
      const tableAnswer = new Promise<Answer>((resolve, reject) => {
        table.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        table.on('error', reject);
      });

      // Act: half the file, then a whole JSON upload of Twente (other figures), then the rest of the file
      table.write(tsv.slice(0, half));
      await tableArrived;
      await new Promise((resolve) => setTimeout(resolve, 50)); // lets the table upload begin; the assertions hold however long it takes
      const json = await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), registerTotal: 10000 }).expect(201);
      table.end(tsv.slice(half));
      const answer = await tableAnswer;

      // Assert
      expect(answer.status).toBe(201);
      const tableId = (JSON.parse(answer.body) as { uploads: Array<{ id: number }> }).uploads[0].id;
      expect(tableId).toBeGreaterThan(json.body.uploads[0].id);
      const history = (await app().http().get('/v1/uploads?region=Twente').expect(200)).body.uploads as Array<{ id: number; uploadedAt: string; current: boolean }>;
      const byId = [...history].sort((a, b) => a.id - b.id);
      const byInstant = [...history].sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt) || a.id - b.id);
      expect(byInstant.map((u) => u.id)).toEqual(byId.map((u) => u.id));
      expect(history.find((u) => u.current)?.id).toBe(tableId);
      const current = await app().http().get('/v1/regions/Twente/totals').expect(200);
      const asOfNow = await app().http().get(`/v1/regions/Twente/totals?asOf=${new Date().toISOString()}`).expect(200);
      expect(current.body.registerTotal).toBe(10371);
      expect(asOfNow.body).toEqual(current.body);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
