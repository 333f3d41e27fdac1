import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadClassification } from '../../src/cli/classification';
import { FIXTURES } from '../support/factories';
import { appUnderTest, storedData, WRITER_KEY } from '../support/test-app';

const FILES_2027 = path.join(FIXTURES, 'classification-2027');
const CLASSIFICATIONS = path.join(__dirname, '..', '..', 'db', 'classifications');

/** What the loader printed. */
function recorder() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { log: (line: string) => out.push(line), error: (line: string) => err.push(line) } };
}

describe('An operator loads a year: 2027 from the announced herindeling, and broken files refused whole', () => {
  const app = appUnderTest('each');
  const get = (url: string) => app().http().get(url);
  const post = (body: object) => app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body);
  const uploadOf = (period: string, region: string, names: string[]) => ({
    period, region,
    gemeenten: names.map((gemeente, i) => ({ gemeente, gemeenteClients: { withProfile: i, withoutProfile: 1 }, uwvClients: { withProfile: 2, withoutProfile: 3 } })),
  });
  const file = (name: string, lines: string[]) => {
    const target = path.join(app().dir, name);
    writeFileSync(target, `${lines.join('\n')}\n`);
    return target;
  };
  const load2027 = (printed = recorder()) => loadClassification(app().store, {
    year: 2027, gemeenten: path.join(FILES_2027, 'gemeenten-2027.csv'), herindelingen: path.join(FILES_2027, 'herindelingen-2027.csv'),
    regions: path.join(FILES_2027, 'arbeidsmarktregios-2027.csv'), source: 'announced herindeling 2027 (test)', by: 'operator-test',
  }, printed.output);

  test('When 2027 is loaded from the announced file, then it is listed, a Gooi en Vechtstreek upload without Wijdemeren is whole, and Wijdemeren says where it went', async () => {
    const printed = recorder();
    const gooi2026 = ['Blaricum', 'Eemnes', 'Gooise Meren', 'Hilversum', 'Huizen', 'Laren (NH.)', 'Wijdemeren'];

    expect(await load2027(printed)).toBe(true);
    await app().service.reloadClassifications(); // as a restarted instance does

    expect(printed.err).toEqual([]);
    expect(printed.out.join('\n')).toContain('Loaded 2027: 341 gemeenten in 35 regions');
    const listed = (await get('/v1/classifications').expect(200)).body;
    expect(listed.classifications.at(-1)).toEqual(expect.objectContaining({ year: 2027, gemeenten: 341, membership: 'cbs', loadedBy: 'operator-test' }));
    expect(listed.herindelingen).toContainEqual({ date: '2027-01-01', oldCode: 'GM1696', oldName: 'Wijdemeren', newCode: 'GM0402', newName: 'Hilversum' });
    await post(uploadOf('2026-12', 'Gooi en Vechtstreek', gooi2026)).expect(201);
    await post(uploadOf('2027-03', 'Gooi en Vechtstreek', gooi2026.filter((n) => n !== 'Wijdemeren'))).expect(201);
    const refused = await post(uploadOf('2027-06', 'Gooi en Vechtstreek', gooi2026)).expect(400);
    expect(refused.body.errors.find((e: { found?: string }) => e.found === 'Wijdemeren').detail).toContain('merged into Hilversum (GM0402) on 2027-01-01');
    expect((await get('/v1/gemeenten/Wijdemeren').expect(200)).body.successors).toEqual([{ code: 'GM0402', name: 'Hilversum', date: '2027-01-01' }]);
    expect((await get('/v1/regions').expect(200)).body.regions.find((r: { code: string }) => r.code === 'AM12').gemeenteCount).toBe(7);
    // Hilversum in the gemeenten of 2027 includes Wijdemeren's earlier figures (index 6 of the 2026 upload: 0 + 1 + 2 + 3 = 6).
    const hilversum = (await get('/v1/gemeenten/Hilversum/series?classification=2027').expect(200)).body;
    const published = (await get('/v1/gemeenten/Hilversum/series').expect(200)).body;
    expect(hilversum.series.map((p: { period: string; total: number }) => [p.period, p.total])).toEqual([['2026-12', (3 + 1 + 5) + (6 + 1 + 5)], ['2027-03', 3 + 1 + 5]]);
    expect(hilversum.series[0].composedOf.sort()).toEqual(['GM0402', 'GM1696']);
    expect(published.series.map((p: { period: string; total: number }) => [p.period, p.total])).toEqual([['2026-12', 3 + 1 + 5], ['2027-03', 3 + 1 + 5]]);
    expect(published.series[1].classificationChange).toBe('Wijdemeren (GM1696) went into Hilversum (GM0402) on 2027-01-01');
  });

  test('When the files put a gemeente in two regions, leave out a gemeente without successor and hold a malformed code, then each problem is named by row and nothing is stored', async () => {
    const before = JSON.stringify(await app().store.classifications());
    const data = await storedData(app());
    const lines = (await import('node:fs')).readFileSync(path.join(FILES_2027, 'gemeenten-2027.csv'), 'utf8').trim().split('\n');
    const almelo = lines.findIndex((l) => l.startsWith('GM0141,'));
    const broken = [...lines, 'GM0141,Almelo,AM12,Gooi en Vechtstreek', 'GM12X4,Nergenshuizen,AM05,Twente'];
    const printed = recorder();

    // replace: on PostgreSQL the test file's database may hold 2027 from the test before; the files are checked either way.
    const stored = await loadClassification(app().store, { year: 2027, gemeenten: file('gemeenten-2027.csv', broken), replace: true }, printed.output);

    expect(stored).toBe(false);
    const problems = printed.err.join('\n');
    expect(problems).toContain(`gemeenten-2027.csv:gemeentecode, row ${broken.length - 1}, column 1: puts GM0141 in a second region: AM12 here, AM05 at row ${almelo + 1}`);
    expect(problems).toContain(`gemeenten-2027.csv:gemeentecode, row ${broken.length}, column 1: must be a CBS gemeente code`);
    expect(problems).toContain('leaves out Wijdemeren (GM1696), a gemeente in 2026, without a herindeling saying where it went');
    expect(JSON.stringify(await app().store.classifications())).toBe(before);
    expect(await storedData(app())).toBe(data);
  });

  test('When a herindeling names no successor in the year or a year is loaded again without --replace, then it is refused; with --replace CBS membership replaces derived', async () => {
    const orphan = file('herindelingen-2027.csv', ['date,old_code,old_name,new_code,new_name', '2027-01-01,GM1696,Wijdemeren,GM9999,Nergens', '2026-01-01,GM0402,Hilversum,GM0402,Hilversum']);
    const printed = recorder();
    expect(await loadClassification(app().store, { year: 2027, gemeenten: path.join(FILES_2027, 'gemeenten-2027.csv'), herindelingen: orphan, replace: true }, printed.output)).toBe(false);
    expect(printed.err.join('\n')).toContain('herindelingen-2027.csv:new_code, row 2, column 4: is not a gemeente of gemeenten-2027.csv');
    expect(printed.err.join('\n')).toContain('herindelingen-2027.csv:date, row 3, column 1: is not in 2027');

    const again = recorder();
    const as2025 = { year: 2025, gemeenten: path.join(CLASSIFICATIONS, 'gemeenten-2025.csv'), source: 'CBS 86059NED (test)', membership: 'cbs' as const, by: 'operator-test' };
    expect(await loadClassification(app().store, as2025, again.output)).toBe(false);
    expect(again.err.join('\n')).toContain('2025 is loaded already');
    expect(await loadClassification(app().store, { ...as2025, replace: true }, recorder().output)).toBe(true);
    await app().service.reloadClassifications();
    const y2025 = (await get('/v1/classifications').expect(200)).body.classifications.find((c: { year: number }) => c.year === 2025);
    expect(y2025).toEqual(expect.objectContaining({ membership: 'cbs', membershipSource: 'CBS 86059NED (test)', gemeenten: 342 }));
  });
});
