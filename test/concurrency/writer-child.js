// Child process of concurrent-uploads.test.ts; runs the BUILT service (dist/), so it needs `npm run build`.
// Usage: node writer-child.js <database> <jobs.json> <uploader name> [<open at, epoch ms>]
// Opens the database as the server does, says "ready", waits for "go" on stdin (so that every writer
// starts at the same moment), then uploads each body of jobs.json with its own service.upload call and
// reports each on stdout as one JSON line: { "job": n, "id": ... } or { "job": n, "error": "..." }.
// Ends with "finished". Bounded by the number of jobs, and by 30 s in case the parent never says "go".
'use strict';
const { readFileSync } = require('node:fs');
const { openSqliteStore } = require('../../dist/src/storage/sqlite/sqlite-engine');
const { ReferenceData } = require('../../dist/src/domain/reference');
const { oneTable, SonarService } = require('../../dist/src/domain/service');

const [database, jobsFile, uploader, openAt] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, 'utf8'));
const say = (line) => process.stdout.write(`${line}\n`);

// Several writers opening a database at the same moment: wait (at most 5 s) for the agreed time.
const until = Math.min(Number(openAt ?? 0), Date.now() + 5_000);
while (Date.now() < until) { /* spin: a timer would be too coarse */ }

const servicePromise = openSqliteStore(database).then(
  async (store) => new SonarService(store, new ReferenceData(await store.referenceData())),
  (error) => {
    say(JSON.stringify({ open: 'failed', error: String(error && error.message) }));
    process.exit(3);
  });

const giveUp = setTimeout(() => process.exit(2), 30_000);
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (text) => {
  if (!text.includes('go')) return;
  clearTimeout(giveUp);
  const service = await servicePromise;
  for (const [job, input] of jobs.entries()) {
    try {
      const { receipts: [receipt] } = await service.upload(oneTable(input), uploader, 'json');
      say(JSON.stringify({ job, id: receipt.id }));
    } catch (error) {
      say(JSON.stringify({ job, error: String(error && error.message) }));
    }
  }
  await service.store.close();
  say('finished');
  process.exit(0);
});
void servicePromise.then(() => say('ready'));
