// Child process of crash-safety.test.ts; runs the BUILT service (dist/), so it needs `npm run build`.
// Usage: node upload-child.js <database> <batches.json> <first batch index> <max uploads>
// batches.json holds an array of batches, each an array of upload bodies (one per region). The child
// uploads them in turn, starting at <first batch index>, each batch with one service.upload call (one
// transaction, as the tables of a file), and reports on stdout, one line each: "ready", "begin <n> <batch>", "done <n> <batch>".
// The parent kills it with SIGKILL at a random moment. It stops on its own after <max uploads> or 30 s.
'use strict';
const { readFileSync } = require('node:fs');
const { openSqliteStore } = require('../../dist/src/storage/sqlite/sqlite-engine');
const { jsonLocator } = require('../../dist/src/domain/upload');
const { ReferenceData } = require('../../dist/src/domain/reference');
const { SonarService } = require('../../dist/src/domain/service');

const [database, batchesFile, first, max] = process.argv.slice(2);
const batches = JSON.parse(readFileSync(batchesFile, 'utf8'));
const say = (line) => process.stdout.write(`${line}\n`); // synchronous for pipes on Linux

/** A batch as the tables of one upload, each located by its place in the batch. */
async function* tablesOf(batch) {
  for (const [i, input] of batch.entries()) yield { input, at: jsonLocator(`[${i}].`), problems: [] };
}

async function main() {
  const store = await openSqliteStore(database);
  const service = new SonarService(store, new ReferenceData(await store.referenceData()));
  say('ready');
  const deadline = Date.now() + 30_000;
  for (let n = 0; n < Number(max) && Date.now() < deadline; n++) {
    const index = (Number(first) + n) % batches.length;
    say(`begin ${n} ${index}`);
    await service.upload(tablesOf(batches[index]), 'crash-test', 'json');
    say(`done ${n} ${index}`);
  }
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
