// Child process of crash-safety.test.ts; runs the BUILT service (dist/), so it needs `npm run build`.
// Usage: node upload-child.js <database> <batches.json> <first batch index> <max uploads>
// batches.json holds an array of batches, each an array of upload bodies (one per region). The child
// uploads them in turn, starting at <first batch index>, each batch with one service.upload call (one
// transaction), and reports on stdout, one line each: "ready", "begin <n> <batch>", "done <n> <batch>".
// The parent kills it with SIGKILL at a random moment. It stops on its own after <max uploads> or 30 s.
'use strict';
const { readFileSync } = require('node:fs');
const { openDatabase } = require('../../dist/src/storage/database');
const { SqliteStore } = require('../../dist/src/storage/sqlite-store');
const { ReferenceData } = require('../../dist/src/domain/reference');
const { SonarService } = require('../../dist/src/domain/service');

const [database, batchesFile, first, max] = process.argv.slice(2);
const batches = JSON.parse(readFileSync(batchesFile, 'utf8'));
const db = openDatabase(database);
const store = new SqliteStore(db);
const say = (line) => process.stdout.write(`${line}\n`); // synchronous for pipes on Linux

async function main() {
  const service = new SonarService(store, new ReferenceData(await store.referenceData()));
  say('ready');
  const deadline = Date.now() + 30_000;
  for (let n = 0; n < Number(max) && Date.now() < deadline; n++) {
    const index = (Number(first) + n) % batches.length;
    say(`begin ${n} ${index}`);
    await service.upload(batches[index].map((input) => ({ input })), 'crash-test', 'json');
    say(`done ${n} ${index}`);
  }
  db.close();
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
