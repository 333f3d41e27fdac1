// Child process of crash-safety.test.ts; runs the BUILT service (dist/), so it needs `npm run build`.
// Usage: node file-upload-child.js <database> <period> <first file index> <max imports> <file 0> <file 1> ...
// Each file is a publication table (TSV) holding many regions' tables. The child imports the files in
// turn, starting at <first file index>, the way POST /v1/uploads does with a TSV body (src/http/table-upload.ts):
// the file streamed from disk through textRows → publicationTables → service.upload, which stages
// each region table in TEMP tables and then moves them all into the figures in one transaction.
// It reports on stdout, one line each: "ready", "begin <n> <file>", "commit <n> <file>" (written just before
// the staged tables are committed) and "done <n> <file>". Writes to a pipe are synchronous on Linux, so a
// line the parent reads was written before the kill. The parent kills it with SIGKILL at a random moment;
// it stops on its own after <max imports> or 30 s.
'use strict';
const { createReadStream } = require('node:fs');
const { openSqliteStore } = require('../../dist/src/storage/sqlite/sqlite-engine');
const { ReferenceData } = require('../../dist/src/domain/reference');
const { SonarService } = require('../../dist/src/domain/service');
const { publicationTables } = require('../../dist/src/tables/publication');
const { textRows } = require('../../dist/src/tables/text-rows');

const [database, period, first, max, ...files] = process.argv.slice(2);
const say = (line) => process.stdout.write(`${line}\n`);

let store;
let service;

// Only to report progress: the staging is the store's own, its commit is announced and then run unchanged.
let announce = () => undefined;
function announcingCommits(opened) {
  const beginStaging = opened.beginStaging.bind(opened);
  opened.beginStaging = async () => {
    const staging = await beginStaging();
    return {
      add: staging.add,
      discard: staging.discard,
      commit: (now, remember) => {
        announce();
        return staging.commit(now, remember);
      },
    };
  };
  return opened;
}

async function main() {
  // As src/server.ts builds the service.
  store = announcingCommits(await openSqliteStore(database));
  service = new SonarService(store, new ReferenceData(await store.referenceData()));
  say('ready');
  const deadline = Date.now() + 30_000;
  for (let n = 0; n < Number(max) && Date.now() < deadline; n++) {
    const index = (Number(first) + n) % files.length;
    announce = () => say(`commit ${n} ${index}`);
    say(`begin ${n} ${index}`);
    // Small reads, so that the file arrives in many chunks, as a request body does, and the import
    // interleaves reading, parsing and staging instead of having the whole file at once.
    const body = createReadStream(files[index], { highWaterMark: 4096 });
    const tables = publicationTables(textRows(body, '\t'), { reference: service.reference, period });
    const { receipts } = await service.upload(tables, 'crash-test', 'tsv');
    say(`done ${n} ${index} ${receipts.length}`);
  }
  await store.close();
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n${JSON.stringify(error.errors ?? [])}\n`);
  process.exit(1);
});
