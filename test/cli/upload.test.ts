import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { run } from '../../src/cli/upload';
import { FIXTURES } from '../support/factories';
import { createTestApp, expectResponsesMatchContract, storedData, TestApp, WRITER_KEY } from '../support/test-app';
import { toCsv, toXlsx, twenteTsv, withCell } from '../tables/publication-files';

/** What the command printed, line by line. */
function recorder() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { log: (line: string) => out.push(line), error: (line: string) => err.push(line) } };
}

async function listen(t: TestApp): Promise<{ url: string; server: Server }> {
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('The upload command, against the running app', () => {
  let t: TestApp;
  let url: string;
  let server: Server;
  const fixture = path.join(FIXTURES, 'twente-publication.tsv');
  const file = (name: string, content: string | Buffer) => {
    const target = path.join(t.dir, name);
    writeFileSync(target, content);
    return target;
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ url, server } = await listen(t));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    expectResponsesMatchContract(t);
    await t.close();
  });

  test('When twente-publication.tsv is uploaded, then the command prints the totals and 76 % coverage and exits 0', async () => {
    const rec = recorder();

    const code = await run([fixture, '--period', '2026-06', '--register-total', '10371', '--url', url, '--key', WRITER_KEY], {}, rec.output);

    expect(rec.err).toEqual([]);
    expect(code).toBe(0);
    expect(rec.out.join('\n')).toMatch(/Stored 1 region for 2026-06 from twente-publication.tsv/);
    expect(rec.out.join('\n')).toMatch(/Twente \(AM05\): upload \d+, 14 gemeenten/);
    expect(rec.out.join('\n')).toContain('total 7.898, register 10.371, coverage 76 % (0.7615), with profile 44 % (0.4449)');
    const totals = await t.http().get('/v1/regions/Twente/totals?period=2026-06').expect(200);
    expect(totals.body).toEqual(expect.objectContaining({ total: 7898, coveragePercent: 76 }));
  });

  test('When the URL and key come from SONAR_URL and SONAR_API_KEY, then an Excel file is uploaded with them', async () => {
    const xlsx = file('twente.xlsx', await toXlsx(twenteTsv()));
    const rec = recorder();

    const code = await run([xlsx, '--period', '2026-05'], { SONAR_URL: `${url}/`, SONAR_API_KEY: WRITER_KEY }, rec.output);

    expect(code).toBe(0);
    expect(rec.out.join('\n')).toContain('register not given, coverage unknown');
  });

  test('When the file has problems, then the command prints each with its row and column and exits 1, storing nothing', async () => {
    const csv = file('twente-wrong.csv', toCsv(withCell(withCell(twenteTsv(), 3, 4, '1.2'), 9, 2, 'Hengelow'), { delimiter: ';', bom: true, crlf: true }));
    const before = await storedData(t);
    const rec = recorder();

    const code = await run([csv, '--period', '2026-04', '--url', url, '--key', WRITER_KEY], {}, rec.output);

    expect(code).toBe(1);
    expect(rec.err[0]).toBe('Refused (400 Invalid input): The upload has 2 problems; nothing was stored.');
    expect(rec.err).toContain('  row 3, column 4 (D): found "1.2": is not a whole number: a dot only separates thousands, in groups of three (1.218)');
    expect(rec.err.find((line) => line.includes('row 9, column 2 (B): found "Hengelow"'))).toMatch(/did you mean Hengelo \(O\.\)/);
    expect(await storedData(t)).toBe(before);
  });

  test('When the key is wrong, then the command prints the service\'s problem and exits 1', async () => {
    const rec = recorder();

    const code = await run([fixture, '--period', '2026-03', '--url', url, '--key', 'not-a-key'], {}, rec.output);

    expect(code).toBe(1);
    expect(rec.err[0]).toMatch(/^Refused \(401 Unauthorized\)/);
  });

  test.each([
    ['no file', ['--period', '2026-06'], 'exactly one FILE'],
    ['no period', ['FILE.tsv'], '--period'],
    ['a file of unknown kind', ['figures.pdf', '--period', '2026-06'], 'name it .tsv'],
    ['an unknown option', ['FILE.tsv', '--period', '2026-06', '--colour', 'red'], 'colour'],
    ['no key', ['FILE.tsv', '--period', '2026-06'], 'SONAR_API_KEY'],
    ['a file that does not exist', [path.join(FIXTURES, 'nothing-here.tsv'), '--period', '2026-06', '--key', 'k'], 'Cannot read'],
    ['a register total that is no plain number', ['FILE.tsv', '--period', '2026-06', '--key', 'k', '--register-total', '10.371'], 'plain digits'],
  ])('When the command is given %s, then it prints the usage and exits 2', async (_what, argv, message) => {
    const rec = recorder();

    const code = await run(argv.map((a) => (a === 'FILE.tsv' ? fixture : a)), {}, rec.output);

    expect(code).toBe(2);
    expect(rec.err.join('\n')).toContain(message);
    expect(rec.err.join('\n')).toContain('Usage: npm run upload');
  });

  test('When the service cannot be reached, then the command says so and exits 1', async () => {
    const closed = await createTestApp();
    const { url: gone, server: stopped } = await listen(closed);
    await new Promise((resolve) => stopped.close(resolve));
    await closed.close();
    const rec = recorder();

    const code = await run([fixture, '--period', '2026-06', '--url', gone, '--key', WRITER_KEY], {}, rec.output);

    expect(code).toBe(1);
    expect(rec.err[0]).toContain(`Could not upload to ${gone}`);
  });
});
