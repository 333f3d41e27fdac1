/**
 * The benchmarks upload to months from 1925 to 2050 with the gemeenten of 2026 (bench/data.ts), while the
 * service checks each period in its own year's classification and refuses years it has none of. So each
 * database a benchmark's service of this checkout starts on first gets 2026's map for every such year, as an
 * operator could load it (without herindelingen): the figures and the costs measured stay those of before.
 */
import pino from 'pino';
import { loadConfig } from '../src/config';
import { openStore } from '../src/storage/open-store';

export const BENCH_YEARS = { first: 1925, last: 2050 };

/** `env`: the service's database settings (DATABASE_PATH, and DATABASE_URL with its pool mode when given). */
export async function loadBenchYears(env: Record<string, string>): Promise<void> {
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const store = await openStore(config, pino({ level: 'silent' }));
  try {
    const { years } = await store.classifications();
    const map = years.find((y) => y.year === 2026);
    if (!map) throw new Error('The database has no classification of 2026 to copy.');
    if (years.some((y) => y.loadedBy === 'bench')) return;
    const loadedAt = new Date().toISOString();
    for (let year = BENCH_YEARS.first; year <= BENCH_YEARS.last; year++) {
      if (year === 2026) continue;
      await store.storeClassification({ ...map, year, membership: 'derived', membershipSource: 'bench: the map of 2026', loadedAt, loadedBy: 'bench' }, []);
    }
  } finally {
    await store.close();
  }
}
