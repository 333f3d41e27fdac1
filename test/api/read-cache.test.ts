import { createServer, type Server } from 'node:http';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { answer } from '../../src/http/answer';
import type { RequestListener } from '../../src/http/request-listener';
import type { Dependency, Touched } from '../../src/domain/staleness';
import { buildRow, buildUpload } from '../support/factories';
import { logSink } from '../support/log-sink';
import { appUnderTest, createTestApp, expectResponsesMatchContract, TestApp, WRITER_KEY } from '../support/test-app';

describe('Reads after uploads', () => {
  const app = appUnderTest('each');

  const upload = (withProfile: number) =>
    app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send(buildUpload({ gemeenten: [buildRow({ gemeenteClients: { withProfile, withoutProfile: 222 }, total: undefined })] }))
      .expect(201);

  test('When an upload succeeds, then every read made after its 201 shows the new figures', async () => {
    await upload(3);
    const reads = ['/v1/regions/Twente/totals', '/v1/regions/Twente/gemeenten', '/v1/totals', '/v1/coverage', '/v1/uploads'];
    const before = await Promise.all(reads.map((url) => app().http().get(url).expect(200)));

    await upload(4);
    const after = await Promise.all(reads.map((url) => app().http().get(url).expect(200)));

    expect(before[0].body.gemeenteClients.withProfile).toBe(3);
    expect(after[0].body.gemeenteClients.withProfile).toBe(4);
    expect(after[1].body.gemeenten[0].gemeenteClients.withProfile).toBe(4);
    expect(after[2].body.gemeenteClients.withProfile).toBe(4);
    expect(after[3].body.regions[0].total).toBe(before[3].body.regions[0].total + 1);
    expect(after[4].body.uploads).toHaveLength(2);
    after.forEach((res, i) => expect(res.headers.etag).not.toBe(before[i].headers.etag));
  });

  test('When a read repeats with the current ETag, then the answer is 304 without a body', async () => {
    await upload(3);
    const first = await app().http().get('/v1/regions/AM05/totals').expect(200);

    const again = await app().http().get('/v1/regions/AM05/totals').set('If-None-Match', first.headers.etag).expect(304);
    const weak = await app().http().get('/v1/regions/AM05/totals').set('If-None-Match', `"other", W/${first.headers.etag}`).expect(304);

    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(weak.headers.etag).toBe(first.headers.etag);
  });

  test('When a read repeats with an ETag from before the last upload, then it gets 200 and the new figures', async () => {
    await upload(3);
    const old = await app().http().get('/v1/regions/AM05/totals').expect(200);
    await upload(5);

    const res = await app().http().get('/v1/regions/AM05/totals').set('If-None-Match', old.headers.etag).expect(200);

    expect(res.body.gemeenteClients.withProfile).toBe(5);
    expect(res.headers.etag).not.toBe(old.headers.etag);
  });

  test('When an upload changes nothing a read shows, then that read keeps its ETag', async () => {
    await upload(3);
    const regions = await app().http().get('/v1/regions').expect(200);
    await upload(4);

    await app().http().get('/v1/regions').set('If-None-Match', regions.headers.etag).expect(304);
  });

  test('When a read fails, then it is not kept: the same URL answers once figures exist', async () => {
    await app().http().get('/v1/regions/Twente/totals').expect(404);
    await upload(3);

    await app().http().get('/v1/regions/Twente/totals').expect(200);
  });
});

describe('The read cache\'s room', () => {
  /** A bare express app with kept answers in front of one read, noting each answer it derives. */
  async function appWithRoom(maxBytes: number) {
    const express = (await import('express')).default;
    const request = (await import('supertest')).default;
    const { KeptAnswers } = await import('../../src/http/kept-answers');
    const derived: string[] = [];
    const app = express();
    app.locals.answers = new KeptAnswers({ version: 1, changedSince: () => [] }, '/v1/', maxBytes);
    app.use(app.locals.answers.middleware);
    app.get('/v1/answer', (req) => {
      derived.push(String(req.query.n));
      answer(req, { n: req.query.n, pad: 'x'.repeat(280) });
    });
    const get = (n: number, accept = 'application/json') => request(app).get(`/v1/answer?n=${n}`).set('Accept', accept).expect(200);
    return { derived, get };
  }

  // An answer here holds about 530 bytes: 300 of body, its key and its headers.
  test('When more answers are read than fit its bytes, then the oldest are derived again and the newest kept', async () => {
    const { derived, get } = await appWithRoom(1700); // room for three

    for (const n of [1, 2, 3, 4]) await get(n);
    await get(4);
    await get(1);
    await get(3);
    await get(2);

    expect(derived).toEqual(['1', '2', '3', '4', '1', '2']);
  });

  test('When a request carries a long Accept header, then its key counts against the room too', async () => {
    const { derived, get } = await appWithRoom(1700);
    await get(1);
    await get(2);

    await get(3, `application/json;q=0.9, ${'x'.repeat(800)}`); // kept under an 800-byte key: 1 and 2 no longer fit beside it
    await get(2);
    await get(1);

    expect(derived).toEqual(['1', '2', '3', '2', '1']);
  });
});

/** How the front calls express in a test: `routed` wraps the app; `errors` collects what it reports, which otherwise fails the test. */
interface TestFront {
  routed?: (app: RequestListener, count: { arrived: number }) => RequestListener;
  errors?: unknown[];
}

/**
 * An express app with kept answers in front of one route, counting requests that arrive and derivations;
 * `release` lets a derivation held at `gate` go on. `front`: behind the service's front, which counts what it received.
 */
async function gatedApp(path: string, route: (req: import('express').Request, res: import('express').Response, count: { derived: number; gate: Promise<void> }) => Promise<void>,
  source: import('../../src/http/kept-answers').Versioned = { version: 1, changedSince: () => [] }, front?: TestFront) {
  const express = (await import('express')).default;
  const { KeptAnswers } = await import('../../src/http/kept-answers');
  const count = { received: 0, arrived: 0, derived: 0, closed: 0, gate: Promise.resolve() };
  let release = () => undefined as void;
  count.gate = new Promise<void>((resolve) => (release = resolve));
  const app = express();
  app.locals.answers = new KeptAnswers(source, '/v1/');
  app.use((_req, res, next) => {
    count.arrived++;
    res.once('close', () => count.closed++);
    next();
  });
  app.use(app.locals.answers.middleware);
  app.get(path, async (req, res) => {
    count.derived++;
    await route(req, res, count);
  });
  if (!front) return { server: app.listen(0), count, release };
  // The service's own front (app.ts): kept answers, and waits for those being derived, before express.
  const { requestListener } = await import('../../src/http/request-listener');
  const { observeRequests } = await import('../../src/http/observability');
  const observed = observeRequests(pino({ level: 'silent' }), (route) => route);
  const onError = (error: unknown) => {
    if (!front.errors) throw error;
    front.errors.push(error);
  };
  const routed = front.routed ? front.routed(app, count) : app;
  const server = createServer(requestListener({ apiVersion: 'test', observed, answers: app.locals.answers, routed, onError }));
  server.on('request', () => count.received++); // after the front has seen it
  return { server: server.listen(0), count, release };
}

type GatedRoute = Parameters<typeof gatedApp>[1];
/** Answers which derivation it is, once released. */
const heldThenAnswered: GatedRoute = async (req, _res, c) => {
  await c.gate; // still being derived while the others arrive
  answer(req, { derived: c.derived });
};
/** Answers which derivation it is, as numbered when it began, once released. */
const numberedThenAnswered: GatedRoute = async (req, _res, c) => {
  const derivation = c.derived;
  await c.gate;
  answer(req, { derivation });
};
/** The first derivation fails once released; every later one answers. */
const firstFails: GatedRoute = async (req, res, c) => {
  if (c.derived === 1) {
    await c.gate;
    res.status(503).json({ title: 'Service Unavailable' });
    return;
  }
  answer(req, { derived: 'again' });
};

/** A data version that a test's writes raise, each saying what it touched (a change of unknown scope: nothing said). */
function writtenSource() {
  const writes: Array<{ version: number; touched?: Touched[] }> = [];
  const source = {
    version: 1,
    changedSince: (since: number): Touched[] | undefined => {
      const later = writes.filter((w) => w.version > since);
      return later.some((w) => w.touched === undefined) ? undefined : later.flatMap((w) => w.touched ?? []);
    },
  };
  const write = (regionCode: string, period = '2026-06') => writes.push({ version: ++source.version, touched: [{ regionCode, period }] });
  const unknownChange = () => writes.push({ version: ++source.version });
  return { source, write, unknownChange };
}

/**
 * A key's answer derived and kept; `before` runs (a write that makes it stale); a read derives it again, held;
 * `meanwhile` runs; then another read. Each derivation answers its number and `dependsOn()` as it is then.
 * Resolves with the two reads' bodies once the held derivation is let go. `front`: behind the service's front.
 */
async function readsAcross(writes: ReturnType<typeof writtenSource>, dependsOn: () => Dependency, before: () => void, meanwhile: () => void, front?: TestFront) {
  const { server, count, release } = await gatedApp('/v1/am05', async (req, _res, c) => {
    const derivation = c.derived;
    if (derivation === 2) await c.gate;
    answer(req, { derivation }, { dependsOn: dependsOn() });
  }, writes.source, front);
  const seen = () => (front ? count.received : count.arrived); // a request the kept answers have looked at
  const { read, settled } = readsOf(server, '/v1/am05');
  try {
    await request(server).get('/v1/am05').expect(200, { derivation: 1 });
    before();
    const held = read();
    await until(() => count.derived === 2, 'the derivation after the write');
    meanwhile();
    const after = read();
    await until(() => seen() === 3, 'the read after what ran meanwhile');
    release();
    return { held: await held, after: await after, count };
  } finally {
    release(); // a failed expectation leaves no request held open, nor one failing after the test
    await settled();
    server.close();
  }
}

/** Reads of `path`, each expected 200, kept so that a test can let them settle before its server closes. */
function readsOf(server: Server, path: string) {
  const sent: Array<Promise<unknown>> = [];
  const read = () => {
    const answered = request(server).get(path).expect(200).then((res) => res.body as unknown);
    sent.push(answered);
    return answered;
  };
  return { read, settled: () => Promise.allSettled(sent) };
}

const inAm05 = (): Dependency => [{ regionCode: 'AM05' }];

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Waits until `condition` holds, turn by turn; fails, saying what it waited for, if it does not within 5 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting after 5 s for ${what}`);
    await turn();
  }
}

describe('An answer asked for by several requests at once', () => {
  test('When five requests ask for an answer not yet kept, then it is derived once and all five get it', async () => {
    const { server, count, release } = await gatedApp('/v1/slow', heldThenAnswered);
    try {
      const answers = Promise.all(Array.from({ length: 5 }, () => request(server).get('/v1/slow').expect(200)));
      await until(() => count.arrived === 5 && count.derived === 1, 'five requests, one derivation');
      release();

      const bodies = (await answers).map((res) => res.body);
      expect(count.derived).toBe(1);
      expect(bodies).toEqual(Array(5).fill({ derived: 1 }));
    } finally {
      server.close();
    }
  });

  test('When a write commits while an answer is derived, then those who asked before it share that answer, and who asks after it gets a new one', async () => {
    const source = { version: 1, changedSince: (): undefined => undefined }; // what a write touched unknown: it touches everything
    const { server, count, release } = await gatedApp('/v1/changing', numberedThenAnswered, source);
    try {
      const before = Promise.all(Array.from({ length: 4 }, () => request(server).get('/v1/changing').expect(200)));
      await until(() => count.arrived === 4 && count.derived === 1, 'four requests, one derivation');
      source.version = 2; // a write commits: the answer being derived may not be kept
      const after = request(server).get('/v1/changing').expect(200).then((res) => res); // sent now
      await until(() => count.arrived === 5 && count.derived === 2, 'the request after the write deriving its own');
      release();

      expect((await before).map((res) => res.body)).toEqual(Array(4).fill({ derivation: 1 }));
      expect((await after).body).toEqual({ derivation: 2 });
      expect(count.derived).toBe(2);
      await request(server).get('/v1/changing').expect(200, { derivation: 2 }); // the answer derived after the write is kept
      expect(count.derived).toBe(2);
    } finally {
      server.close();
    }
  });

  test('When a write to another region commits while an answer is derived, then who asks after it shares that answer', async () => {
    const writes = writtenSource();
    const reads = await readsAcross(writes, inAm05, () => writes.write('AM05'), () => writes.write('AM14'));

    expect(reads).toMatchObject({ held: { derivation: 2 }, after: { derivation: 2 }, count: { derived: 2 } });
  });

  test('When a write to its own region commits while an answer is derived, then who asks after it gets a new one', async () => {
    const writes = writtenSource();
    const reads = await readsAcross(writes, inAm05, () => writes.write('AM05'), () => writes.write('AM05'));

    expect(reads).toMatchObject({ held: { derivation: 2 }, after: { derivation: 3 }, count: { derived: 3 } });
  });

  test('When a withdrawal moved a region\'s latest period back and an upload to that period commits while its answer is derived, then who asks after it gets a new one', async () => {
    const writes = writtenSource();
    let latest = '2026-06';
    const latestOfAm05 = (): Dependency => [{ regionCode: 'AM05', period: latest, orLater: true }];
    const withdrawn = () => {
      writes.write('AM05', '2026-06');
      latest = '2026-05';
    };
    const reads = await readsAcross(writes, latestOfAm05, withdrawn, () => writes.write('AM05', '2026-05'));

    expect(reads).toMatchObject({ held: { derivation: 2 }, after: { derivation: 3 }, count: { derived: 3 } });
  });

  test('When a change of unknown scope (a classification loaded) widened what an answer depends on, then a write to the wider part while it is derived gives who asks after it a new one', async () => {
    const writes = writtenSource();
    let regions = ['AM05'];
    const held = (): Dependency => regions.map((regionCode) => ({ regionCode })); // a gemeente's answer: the regions that held it
    const loaded = () => {
      writes.unknownChange();
      regions = ['AM05', 'AM14'];
    };
    const reads = await readsAcross(writes, held, loaded, () => writes.write('AM14'));

    expect(reads).toMatchObject({ held: { derivation: 2 }, after: { derivation: 3 }, count: { derived: 3 } });
  });

  test('When a derivation spans a change of unknown scope, then what it depended on is not remembered: who asks after a write to the wider part does not wait for the next one', async () => {
    const writes = writtenSource();
    let regions = ['AM05'];
    let releaseThird = () => undefined as void;
    const third = new Promise<void>((resolve) => (releaseThird = resolve));
    // Each derivation depends on the regions as it found them when it began; the second and third are held.
    const { server, count, release } = await gatedApp('/v1/gemeente', async (req, _res, c) => {
      const derivation = c.derived;
      const dependsOn: Dependency = regions.map((regionCode) => ({ regionCode }));
      await (derivation === 2 ? c.gate : derivation === 3 ? third : undefined);
      answer(req, { derivation }, { dependsOn });
    }, writes.source);
    const { read, settled } = readsOf(server, '/v1/gemeente');
    try {
      await request(server).get('/v1/gemeente').expect(200, { derivation: 1 });
      writes.write('AM05');
      const spanning = read();
      await until(() => count.derived === 2, 'the derivation begun before the classification is loaded');
      writes.unknownChange();
      regions = ['AM05', 'AM14'];
      release();
      expect(await spanning).toEqual({ derivation: 2 });
      const afterLoad = read();
      await until(() => count.derived === 3, 'the derivation after the classification is loaded');
      writes.write('AM14');
      const afterWrite = read();
      await until(() => count.arrived === 4, 'the read after the write to AM14');
      releaseThird();

      expect(await afterLoad).toEqual({ derivation: 3 });
      expect(await afterWrite).toEqual({ derivation: 4 });
    } finally {
      release();
      releaseThird();
      await settled();
      server.close();
    }
  });

  test('When the answer being derived fails, then each request that waited for it derives its own', async () => {
    const { server, count, release } = await gatedApp('/v1/flaky', firstFails);
    try {
      const first = request(server).get('/v1/flaky').expect(503).then((res) => res); // sent now, so that it derives
      await until(() => count.arrived === 1, 'the first request');
      const others = Promise.all(Array.from({ length: 3 }, () => request(server).get('/v1/flaky').expect(200)));
      await until(() => count.arrived === 4, 'the waiting requests');
      release();

      await first;
      expect((await others).map((res) => res.body)).toEqual(Array(3).fill({ derived: 'again' }));
      expect(count.derived).toBe(4); // each waiter derives its own
    } finally {
      server.close();
    }
  });

  test('When answers that are never kept are asked for at once, then the waiters derive theirs at the same time, not one after another', async () => {
    let releaseRest = () => undefined as void;
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    const { server, count, release } = await gatedApp('/v1/missing', async (_req, res, c) => {
      await (c.derived === 1 ? c.gate : rest); // the waiters' derivations are held until all of them have begun
      res.status(404).json({ title: 'Not Found' });
    });
    try {
      const first = request(server).get('/v1/missing').expect(404).then((res) => res);
      await until(() => count.derived === 1, 'the first derivation');
      const others = Promise.all(Array.from({ length: 3 }, () => request(server).get('/v1/missing').expect(404)));
      await until(() => count.arrived === 4, 'the waiting requests');
      const firstDone = first.then(() => undefined);
      release();
      await firstDone;

      await until(() => count.derived === 4, 'the three waiters deriving at once'); // one at a time, only one would have begun
      releaseRest();
      await others;
    } finally {
      server.close();
    }
  });

  test('When a waiting client goes away and the derivation fails, then the next request for that answer still gets it', async () => {
    const { server, count, release } = await gatedApp('/v1/abandoned', async (req, res, c) => {
      if (c.derived <= 2) { // the first, held until the second has gone; the second's, for a client gone, fails too
        if (c.derived === 1) await c.gate;
        res.status(503).json({ title: 'Service Unavailable' });
        return;
      }
      answer(req, { derived: c.derived });
    });
    try {
      const first = request(server).get('/v1/abandoned').expect(503).then((res) => res);
      await until(() => count.arrived === 1, 'the first request');
      const { port } = server.address() as import('node:net').AddressInfo;
      const gone = (await import('node:http')).get({ port, path: '/v1/abandoned' }).on('error', () => undefined);
      await until(() => count.arrived === 2, 'the waiter that will go away');
      gone.destroy();
      await until(() => count.closed === 1, 'the server to see the client gone');
      release();
      await first;

      await until(() => count.derived === 2, 'the gone client\'s own derivation');
      const next = await request(server).get('/v1/abandoned').timeout(3000).expect(200);
      expect(next.body).toEqual({ derived: 3 });
    } finally {
      server.close();
    }
  });
});

/**
 * A read of `path` that starts a derivation held at the gate, then `others` more of it, once the front has
 * received them all; each answered with the status given.
 */
async function heldWithOthers(server: Server, count: { derived: number; received: number }, path: string, status: { first: number; others: number }, others: number) {
  const first = request(server).get(path).expect(status.first).then((res) => res);
  await until(() => count.derived === 1, 'the first derivation');
  const waiting = Promise.all(Array.from({ length: others }, () => request(server).get(path).expect(status.others)));
  await until(() => count.received === others + 1, `the ${others} others received`);
  return { first, waiting };
}

describe('Requests waiting for an answer being derived, in front of express', () => {
  test('When five requests ask for an answer being derived, then only the first reaches express, and all five get its answer', async () => {
    const { server, count, release } = await gatedApp('/v1/slow', heldThenAnswered, undefined, {});
    try {
      const { first, waiting: others } = await heldWithOthers(server, count, '/v1/slow', { first: 200, others: 200 }, 4);
      expect(count.arrived).toBe(1);
      release();

      expect([await first, ...await others].map((res) => res.body)).toEqual(Array(5).fill({ derived: 1 }));
      expect(count.arrived).toBe(1);
    } finally {
      release(); // a failed expectation leaves no request held open
      server.close();
    }
  });

  test('When a write commits while an answer is derived, then who asked before it shares that answer, and who asks after it goes to express for a new one', async () => {
    const source = { version: 1, changedSince: (): undefined => undefined };
    const { server, count, release } = await gatedApp('/v1/changing', numberedThenAnswered, source, {});
    try {
      const { first, waiting } = await heldWithOthers(server, count, '/v1/changing', { first: 200, others: 200 }, 3);
      expect(count.arrived).toBe(1);
      source.version = 2;
      const after = request(server).get('/v1/changing').expect(200).then((res) => res);
      await until(() => count.derived === 2, 'the request after the write deriving its own');
      release();

      expect([await first, ...await waiting].map((res) => res.body)).toEqual(Array(4).fill({ derivation: 1 }));
      expect((await after).body).toEqual({ derivation: 2 });
      expect(count.arrived).toBe(2);
    } finally {
      release(); // a failed expectation leaves no request held open
      server.close();
    }
  });

  test('When a write to another region commits while an answer is derived, then who asks after it waits for that answer before express', async () => {
    const writes = writtenSource();
    const reads = await readsAcross(writes, inAm05, () => writes.write('AM05'), () => writes.write('AM14'), {});

    expect(reads).toMatchObject({ held: { derivation: 2 }, after: { derivation: 2 }, count: { derived: 2, arrived: 2 } });
  });

  test('When the answer being derived fails, then the requests that waited for it go to express and each derives its own', async () => {
    const { server, count, release } = await gatedApp('/v1/flaky', firstFails, undefined, {});
    try {
      const { first, waiting: others } = await heldWithOthers(server, count, '/v1/flaky', { first: 503, others: 200 }, 3);
      expect(count.arrived).toBe(1);
      release();

      await first;
      expect((await others).map((res) => res.body)).toEqual(Array(3).fill({ derived: 'again' }));
      expect(count.arrived).toBe(4);
      expect(count.derived).toBe(4); // not one after another behind a second shared derivation
    } finally {
      release(); // a failed expectation leaves no request held open
      server.close();
    }
  });
});

describe('An error thrown past express', () => {
  test('When the app behind the front throws for requests that waited for a failed derivation, and for one that did not wait, then each gets a 500 problem with the front\'s headers, and the error is reported', async () => {
    const errors: unknown[] = [];
    let held = true;
    const thrown = { whileHeld: 0, after: 0 };
    const throwing = (app: RequestListener, count: { arrived: number }): RequestListener => (req, res) => {
      if (count.arrived >= 1) {
        thrown[held ? 'whileHeld' : 'after']++;
        throw new Error('thrown past its error handling');
      }
      app(req, res);
    };
    const { server, count, release } = await gatedApp('/v1/flaky', firstFails, undefined, { routed: throwing, errors });
    try {
      const { first, waiting: waited } = await heldWithOthers(server, count, '/v1/flaky', { first: 503, others: 500 }, 3);
      held = false;
      release();
      await first;
      const answers = [...await waited, await request(server).get('/v1/flaky').expect(500)];

      expect(thrown).toEqual({ whileHeld: 0, after: 4 }); // the three waited for the first, in front of express
      for (const res of answers) {
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['api-version']).toBe('test');
        expect(res.headers['x-request-id']).toBeTruthy();
        expect(res.body).toMatchObject({ status: 500, detail: 'The service failed to answer this request; it has been logged.' });
      }
      expect(answers.map((res) => res.body.instance)).toEqual(['/v1/flaky', '/v1/flaky', '/v1/flaky', '/v1/flaky']);
      expect(errors.map((e) => (e as Error).message)).toEqual(Array(4).fill('thrown past its error handling'));
      expect(count.arrived).toBe(1);
    } finally {
      release(); // a failed expectation leaves no request held open
      server.close();
    }
  });
});

/** The headers of an answer that say what it is: all but the date, which moves, and the request's own id. */
const describing = (headers: Record<string, string>) => {
  const { date, 'x-request-id': id, ...rest } = headers;
  return rest;
};

describe('Kept answers, served before express routes the request', () => {
  let t: TestApp;
  afterEach(async () => {
    expectResponsesMatchContract(t);
    await t.close();
  });

  test('When a read is answered again from what was kept, then it carries the same headers as when it was derived, for GET, HEAD and 304', async () => {
    t = await createTestApp();
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload()).expect(201);

    for (const url of ['/v1/regions/AM05/totals', '/v1/uploads?limit=1', '/v1/regions/AM05/gemeenten?format=csv', '/v1/regions/AM05/table', '/v1/regions/AM05/table?format=xlsx']) {
      const derived = await t.http().get(url).expect(200);
      const kept = await t.http().get(url).set('X-Request-Id', 'kept-1').expect(200);
      const head = await t.http().head(url).expect(200);
      const notModified = await t.http().get(url).set('If-None-Match', kept.headers.etag).expect(304);

      expect(describing(kept.headers)).toEqual(describing(derived.headers));
      expect(kept.text ?? kept.body).toEqual(derived.text ?? derived.body);
      expect(kept.headers['x-request-id']).toBe('kept-1');
      expect(derived.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(describing(head.headers)).toEqual(describing(derived.headers));
      expect(notModified.headers['x-frame-options']).toBe('DENY');
      expect(notModified.headers['api-version']).toBe(derived.headers['api-version']);
      expect(notModified.headers.etag).toBe(derived.headers.etag);
      expect(derived.headers.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      expect(notModified.headers['content-length']).toBeUndefined();
    }
  });

  test('When kept answers are served, then each is logged with its id and counted in /metrics like any other', async () => {
    t = await createTestApp();
    const { lines, logger } = logSink<{ req?: { id: string; url: string }; res?: { status: number } }>();
    const app = createApp({ config: t.config, service: t.service, logger, isReady: () => true });
    await request(app).post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload()).expect(201);

    for (const id of ['read-1', 'read-2', 'read-3']) await request(app).get('/v1/totals').set('X-Request-Id', id).expect(200);
    await request(app).get('/v1/totals').set('If-None-Match', (await request(app).get('/v1/totals').set('X-Request-Id', 'read-4')).headers.etag).set('X-Request-Id', 'read-5').expect(304);
    const metrics = await request(app).get('/metrics').expect(200);

    expect(lines.filter((l) => l.req?.url === '/v1/totals').map((l) => [l.req?.id, l.res?.status]))
      .toEqual([['read-1', 200], ['read-2', 200], ['read-3', 200], ['read-4', 200], ['read-5', 304]]);
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/totals",status="200"\} 4/);
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/totals",status="304"\} 1/);
  });

  test('When a browser reads a kept answer, then it also gets the CORS headers', async () => {
    t = await createTestApp();
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload()).expect(201);
    const derived = await t.http().get('/v1/totals').set('Origin', 'https://example.org').expect(200);

    const kept = await t.http().get('/v1/totals').set('Origin', 'https://example.org').expect(200);
    const plain = await t.http().get('/v1/totals').expect(200);

    expect(describing(kept.headers)).toEqual(describing(derived.headers));
    expect(kept.headers['access-control-allow-origin']).toBe('*');
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    expect(describing(plain.headers)).toEqual(Object.fromEntries(Object.entries(describing(kept.headers)).filter(([name]) => !name.startsWith('access-control-'))));
  });

  test('When rate limits are on, then kept answers are counted against them and carry their headers', async () => {
    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_READS: '3' });
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload()).expect(201);

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await t.http().get('/v1/totals'));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[2].headers.ratelimit).toMatch(/remaining=0/);
    expect(answers[3].headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
