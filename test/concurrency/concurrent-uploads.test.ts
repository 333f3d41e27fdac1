/**
 * Concurrent uploads through the real HTTP app on a real port, and from separate OS processes writing the
 * same SQLite file. NEEDS THE BUILD for the multi-process tests: the writers run dist/ (`npm test` builds
 * first; with plain jest run `npm run build` before).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { UploadRequest } from '../../src/domain/upload';
import { Child, expectFreshBuild, startChild, stopChildren } from '../support/child-processes';
import { fetchJson, listen, LiveServer } from '../support/live-server';
import { markedUpload } from '../support/region-batches';
import { createTestApp, expectResponsesMatchContract, TestApp, WRITER_KEY } from '../support/test-app';
import { sqliteDb } from '../support/stores';

const WRITER = path.join(__dirname, 'writer-child.js');

/** An upload that was accepted: its id, who sent it and what it held. */
interface Accepted {
  id: number;
  uploadedBy: string;
  body: UploadRequest;
}

async function postUpload(live: LiveServer, body: UploadRequest): Promise<{ status: number; id?: number; location: string | null }> {
  const res = await fetchJson(`${live.base}/v1/uploads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': WRITER_KEY },
    body: JSON.stringify(body),
  });
  return { status: res.status, id: res.body?.uploads?.[0]?.id, location: res.headers.get('location') };
}

const figuresOf = (body: UploadRequest) =>
  body.gemeenten
    .map((g) => ({ code: g.gemeente, gemeenteClients: g.gemeenteClients, uwvClients: g.uwvClients }))
    .sort((a, b) => a.code.localeCompare(b.code));

/**
 * Every accepted upload of `period` is in the history, nothing else is, and for each region the current
 * upload, the one the reads serve, is the one with the highest id: the last one committed.
 */
async function expectHistoryAndLastCommittedWins(t: TestApp, live: LiveServer, period: string, accepted: Accepted[]): Promise<void> {
  const history = await fetchJson(`${live.base}/v1/uploads?period=${period}&limit=1000`);
  expect(history.status).toBe(200);
  const listed = history.body.uploads as Array<{ id: number; region: { code: string }; registerTotal: number; uploadedBy: string; current: boolean }>;
  expect(listed.map((u) => u.id).sort((a, b) => a - b)).toEqual(accepted.map((a) => a.id).sort((a, b) => a - b));
  for (const upload of listed) {
    const sent = accepted.find((a) => a.id === upload.id);
    expect({ id: upload.id, region: upload.region.code, registerTotal: upload.registerTotal, uploadedBy: upload.uploadedBy })
      .toEqual({ id: upload.id, region: sent?.body.region, registerTotal: sent?.body.registerTotal, uploadedBy: sent?.uploadedBy });
  }

  const regions = [...new Set(accepted.map((a) => a.body.region))];
  for (const region of regions) {
    const last = accepted.filter((a) => a.body.region === region).reduce((max, a) => (a.id > max.id ? a : max));
    expect({ region, current: listed.filter((u) => u.region.code === region && u.current).map((u) => u.id) }).toEqual({ region, current: [last.id] });

    const totals = await fetchJson(`${live.base}/v1/regions/${region}/totals?period=${period}`);
    expect({ region, registerTotal: totals.body.registerTotal }).toEqual({ region, registerTotal: last.body.registerTotal });
    const gemeenten = await fetchJson(`${live.base}/v1/regions/${region}/gemeenten?period=${period}`);
    const read = (gemeenten.body.gemeenten as Array<{ code: string; gemeenteClients: unknown; uwvClients: unknown }>)
      .map((g) => ({ code: g.code, gemeenteClients: g.gemeenteClients, uwvClients: g.uwvClients }))
      .sort((a, b) => a.code.localeCompare(b.code));
    expect({ region, figures: read }).toEqual({ region, figures: figuresOf(last.body) });
  }
  expect(sqliteDb(t.store).pragma('integrity_check', { simple: true })).toBe('ok');
}

describe('Concurrent uploads from several processes on one SQLite file (SQLite only)', () => {
  let t: TestApp;
  let live: LiveServer;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp({}, 'sqlite');
    live = await listen(t);
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-concurrency-'));
  });
  afterAll(async () => {
    stopChildren();
    await live.close();
    expectResponsesMatchContract(t);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('When 40 uploads to the same and to different regions arrive at once over HTTP, then each is stored and listed, and the last committed one is current', async () => {
    // Arrange: half of them compete for Twente, the rest are spread over six other regions
    const period = '2024-01';
    const others = ['AM01', 'AM02', 'AM11', 'AM21', 'AM35', 'AM38'];
    const bodies = Array.from({ length: 40 }, (_, i) => markedUpload(i % 2 === 0 ? 'AM05' : others[i % others.length], period, 150_000 + i));

    // Act
    const answers = await Promise.all(bodies.map((body) => postUpload(live, body)));

    // Assert
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 201));
    expect(answers.map((a) => a.location)).toEqual(answers.map((a) => `/v1/uploads/${a.id}`));
    expect(new Set(answers.map((a) => a.id)).size).toBe(40);
    await expectHistoryAndLastCommittedWins(t, live, period, answers.map((a, i) => ({ id: a.id as number, uploadedBy: 'writer', body: bodies[i] })));
  });

  describe('from separate processes', () => {
    beforeAll(() => expectFreshBuild());

    test('When three processes and the HTTP server write the same database file at the same time, then every upload is stored and listed, and the last committed one is current', async () => {
      // Arrange: every writer uploads to Twente and Groningen, which they share, and to a region of its own
      const period = '2024-05';
      const writers = [0, 1, 2].map((w) => {
        const jobs = Array.from({ length: 60 }, (_, j) => markedUpload(['AM05', 'AM01', ['AM11', 'AM21', 'AM35'][w]][j % 3], period, 170_000 + 1000 * w + j));
        const jobsFile = path.join(dir, `jobs-${w}.json`);
        writeFileSync(jobsFile, JSON.stringify(jobs));
        return { name: `process-${w}`, jobs, child: startChild(WRITER, [t.config.DATABASE_PATH, jobsFile, `process-${w}`]) };
      });
      const viaHttp = Array.from({ length: 15 }, (_, i) => markedUpload(i % 2 === 0 ? 'AM05' : 'AM01', period, 180_000 + i));
      await Promise.all(writers.map((w) => w.child.line((l) => l === 'ready')));

      // Act
      for (const w of writers) w.child.process.stdin.end('go\n');
      const answers = await Promise.all(viaHttp.map((body) => postUpload(live, body)));
      const exits = await Promise.all(writers.map((w) => w.child.closed));

      // Assert
      expect(exits).toEqual(writers.map(() => ({ code: 0, signal: null })));
      expect(answers.map((a) => a.status)).toEqual(viaHttp.map(() => 201));
      const reports = writers.map((w) => reportsOf(w.child));
      expect(reports.flat().filter((r) => r.error !== undefined)).toEqual([]);
      const accepted: Accepted[] = [
        ...writers.flatMap((w, i) => reports[i].map((r) => ({ id: r.id as number, uploadedBy: w.name, body: w.jobs[r.job] }))),
        ...answers.map((a, i) => ({ id: a.id as number, uploadedBy: 'writer', body: viaHttp[i] })),
      ];
      expect(accepted).toHaveLength(3 * 60 + 15);
      await expectHistoryAndLastCommittedWins(t, live, period, accepted);
    });

    // The kept answers must notice commits of other processes (a second instance, a script on the file).
    test('When another process uploads to the database file while the server runs, then the server\'s reads show the new figures', async () => {
      // Arrange: the server has answered the reads once, with the figures it stored itself
      const period = '2024-09';
      const first = markedUpload('AM05', period, 190_001);
      const posted = await postUpload(live, first);
      expect(posted.status).toBe(201);
      await expectHistoryAndLastCommittedWins(t, live, period, [{ id: posted.id as number, uploadedBy: 'writer', body: first }]);
      const second = markedUpload('AM05', period, 190_002);
      const jobsFile = path.join(dir, 'other-process.json');
      writeFileSync(jobsFile, JSON.stringify([second]));
      const other = startChild(WRITER, [t.config.DATABASE_PATH, jobsFile, 'other-process']);
      await other.line((l) => l === 'ready');

      // Act
      other.process.stdin.end('go\n');
      expect(await other.closed).toEqual({ code: 0, signal: null });
      await new Promise((r) => setTimeout(r, 50)); // the server looks for other processes' commits every 10 ms

      // Assert
      const [report] = reportsOf(other);
      await expectHistoryAndLastCommittedWins(t, live, period, [
        { id: posted.id as number, uploadedBy: 'writer', body: first },
        { id: report.id as number, uploadedBy: 'other-process', body: second },
      ]);
    });

    // Migrations and the reference data must be applied once, whoever opens a fresh file first.
    test('When three processes open a fresh database file at the same moment, then each of them starts', async () => {
      for (let round = 0; round < 3; round++) {
        // Arrange
        const file = path.join(dir, `fresh-${round}.db`);
        const jobsFile = path.join(dir, 'no-jobs.json');
        writeFileSync(jobsFile, '[]');
        const openAt = String(Date.now() + 1500);

        // Act
        const children = [0, 1, 2].map((w) => startChild(WRITER, [file, jobsFile, `opener-${w}`, openAt]));
        const started = await Promise.all(children.map((c) => c.line((l) => l === 'ready' || l.startsWith('{"open"')).catch((e: Error) => e.message)));
        for (const c of children) c.process.stdin.end('go\n');
        await Promise.all(children.map((c) => c.closed));

        // Assert
        expect({ round, started }).toEqual({ round, started: ['ready', 'ready', 'ready'] });
      }
    });
  });
});

function reportsOf(child: Child): Array<{ job: number; id?: number; error?: string }> {
  return child.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { job: number; id?: number; error?: string });
}
