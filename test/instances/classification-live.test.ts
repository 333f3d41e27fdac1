/**
 * An operator loads next year's classification with the CLI (a process of its own) while the service runs:
 * the running service takes it up without a restart, on SQLite (another process writing the same file) and
 * on PostgreSQL. NEEDS THE BUILD: the service and the CLI run dist/ (`npm run build` before plain jest).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectFreshBuild, startChild, stopChildren } from '../support/child-processes';
import { FIXTURES } from '../support/factories';
import { freshDatabase } from '../support/postgres-database';
import { get, Instance, postJson, stopInstance } from '../support/service-instances';
import { WRITER_KEY } from '../support/test-app';

const FILES_2027 = path.join(FIXTURES, 'classification-2027');
const GOOI_2027 = ['Blaricum', 'Eemnes', 'Gooise Meren', 'Hilversum', 'Huizen', 'Laren (NH.)'];

const gooiUpload = (period: string) => ({
  period, region: 'Gooi en Vechtstreek',
  gemeenten: GOOI_2027.map((gemeente, i) => ({ gemeente, gemeenteClients: { withProfile: i, withoutProfile: 1 }, uwvClients: { withProfile: 2, withoutProfile: 3 } })),
});

/** The service on the database `env` names, listening on a free port. */
async function startService(env: Record<string, string>): Promise<Instance> {
  const child = startChild('dist/src/server.js', [], { PORT: '0', HOST: '127.0.0.1', API_KEYS: `writer:${WRITER_KEY}`, LOG_LEVEL: 'info', RATE_LIMIT: 'false', ...env });
  const line = await child.line((l) => l.includes('"listening"'), 20_000);
  return { child, base: (JSON.parse(line) as { url: string }).url };
}

/** `npm run classification -- load` for 2027, as an operator runs it: a process of its own on the same database. */
async function load2027(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const cli = startChild('dist/src/cli/classification.js', ['load', '--year', '2027',
    '--gemeenten', path.join(FILES_2027, 'gemeenten-2027.csv'), '--herindelingen', path.join(FILES_2027, 'herindelingen-2027.csv'),
    '--regions', path.join(FILES_2027, 'arbeidsmarktregios-2027.csv'), '--source', 'announced herindeling 2027 (test)', '--by', 'operator-test'], env);
  const { code } = await cli.closed;
  return { code, out: `${cli.lines.join('\n')}${cli.stderr()}` };
}

describe('A classification loaded while the service runs', () => {
  let instance: Instance | undefined;

  beforeAll(() => expectFreshBuild());

  afterEach(async () => {
    await stopInstance(instance);
    instance = undefined;
  });

  afterAll(() => stopChildren());

  const scenario = async (env: Record<string, string>) => {
    instance = await startService(env);
    const before = await postJson(instance.base, gooiUpload('2027-03'));
    expect(before.status).toBe(400);
    expect(JSON.stringify(before.body)).toContain('npm run classification');

    const loaded = await load2027(env);
    expect(loaded).toEqual({ code: 0, out: expect.stringContaining('Loaded 2027: 341 gemeenten in 35 regions') });

    const after = await postJson(instance.base, gooiUpload('2027-03'));
    expect(after.status).toBe(201);
    const listed = await get(instance.base, '/v1/classifications');
    expect((listed.body as { classifications: Array<{ year: number; loadedBy: string }> }).classifications.at(-1)).toEqual(expect.objectContaining({ year: 2027, loadedBy: 'operator-test' }));
    const region = await get(instance.base, '/v1/regions/AM12/gemeenten?period=2027-03');
    expect(region.status).toBe(200);
    expect((region.body as { missing: string[] }).missing).toEqual([]);
  };

  test('When the CLI loads 2027 into the SQLite file the service has open, then the running service accepts a 2027 upload without Wijdemeren as whole', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonar-live-classification-'));
    try {
      await scenario({ DATABASE_PATH: path.join(dir, 'sonar.db') });
    } finally {
      await stopInstance(instance);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('When the CLI loads 2027 into the PostgreSQL database the service uses, then the running service accepts a 2027 upload without Wijdemeren as whole', async () => {
    const database = await freshDatabase();
    try {
      await scenario({ DATABASE_URL: database.url });
    } finally {
      await stopInstance(instance);
      await database.drop();
    }
  });
});
