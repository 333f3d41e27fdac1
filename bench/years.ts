/**
 * The benchmarks upload to months from 1925 to 2050 with the gemeenten of 2026 (bench/data.ts), while the
 * service checks each period in its own year's classification and refuses years it has none of. So each
 * database a benchmark's service starts on first gets 2026's map for every such year, as an operator could
 * load it (without herindelingen): the figures and the costs measured stay those of before. It is loaded by
 * the build that will serve the database (this checkout's, or the before build of `--compare`), in a child
 * process, so that each build migrates its own database; a build without classifications is left alone.
 */
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../src/paths';

export const BENCH_YEARS = { first: 1925, last: 2050 };

/** Run with the build's root and the service's environment as arguments. */
const LOAD = `
const path = require('node:path');
const [root, envJson, first, last] = process.argv.slice(1);
const { loadConfig } = require(path.join(root, 'dist/src/config'));
const { openStore } = require(path.join(root, 'dist/src/storage/open-store'));
const pino = require(require.resolve('pino', { paths: [root] }));
(async () => {
  const store = await openStore(loadConfig({ ...JSON.parse(envJson), LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
  try {
    if (typeof store.classifications !== 'function') return;
    const { years } = await store.classifications();
    const map = years.find((y) => y.year === 2026);
    if (!map) throw new Error('The database has no classification of 2026 to copy.');
    if (years.some((y) => y.loadedBy === 'bench')) return;
    const loadedAt = new Date().toISOString();
    for (let year = Number(first); year <= Number(last); year++) {
      if (year === 2026) continue;
      await store.storeClassification({ ...map, year, membership: 'derived', membershipSource: 'bench: the map of 2026', loadedAt, loadedBy: 'bench' }, []);
    }
  } finally {
    await store.close();
  }
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** `env`: the service's database settings (DATABASE_PATH, and DATABASE_URL with its pool mode when given); `root`: the build that will serve it. */
export async function loadBenchYears(env: Record<string, string>, root = PROJECT_ROOT): Promise<void> {
  execFileSync(process.execPath, ['-e', LOAD, root, JSON.stringify(env), String(BENCH_YEARS.first), String(BENCH_YEARS.last)],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH ?? '' } });
}
