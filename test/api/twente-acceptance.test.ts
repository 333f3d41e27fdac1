import { createTestApp, expectResponsesMatchContract, TestApp, WRITER_KEY } from '../support/test-app';
import { twenteUpload } from '../support/factories';
import { referenceRegions } from '../support/region-batches';

/** Every region but Twente has no figures: the national reads list them as missing. */
const OTHER_REGIONS = referenceRegions().filter((r) => r.code !== 'AM05').map((r) => ({ code: r.code, name: r.name }));

/** The publication's TOTAAL AMR row for Twente, and the sentence under it: 10.371 registered, 76%. */
const PUBLISHED_TOTAAL = { gemeenteClients: { withProfile: 38, withoutProfile: 1216 }, uwvClients: { withProfile: 3476, withoutProfile: 3168 } };

describe('Twente, as published', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
  });
  afterAll(async () => {
    expectResponsesMatchContract(t);
    await t.close();
  });

  test('When the table is uploaded as JSON, then the 14 gemeenten come back with their published figures', async () => {
    const res = await t.http().get('/v1/regions/Twente/gemeenten?period=2026-06').expect(200);

    expect(res.body.region).toEqual({ code: 'AM05', name: 'Twente' });
    expect(res.body.missing).toEqual([]);
    expect(res.body.gemeenten).toHaveLength(14);
    const byName = new Map(res.body.gemeenten.map((g: { name: string }) => [g.name, g]));
    for (const row of twenteUpload().gemeenten) {
      const name = row.gemeente === 'Hengelo' ? 'Hengelo (O.)' : row.gemeente;
      expect(byName.get(name)).toEqual(expect.objectContaining({
        name, gemeenteClients: row.gemeenteClients, uwvClients: row.uwvClients, total: row.total,
      }));
    }
    expect(byName.get('Hengelo (O.)')).toEqual(expect.objectContaining({ code: 'GM0164', total: 1217 }));
  });

  test('When the totals are read, then they are the TOTAAL AMR row, 7,898 of 10,371 and 76%', async () => {
    const res = await t.http().get('/v1/regions/AM05/totals').expect(200);

    expect(res.body).toEqual({
      region: { code: 'AM05', name: 'Twente' },
      period: '2026-06',
      ...PUBLISHED_TOTAAL,
      total: 7898,
      registerTotal: 10371,
      coverage: 0.7615,
      coveragePercent: 76,
      profileShare: 0.4449,
      profileSharePercent: 44,
    });
  });

  test('When Twente is the only region uploaded, then the national totals are Twente\'s', async () => {
    const res = await t.http().get('/v1/totals').expect(200);

    expect(res.body).toEqual({
      period: '2026-06', regions: 1, regionsWithRegister: 1, ...PUBLISHED_TOTAAL,
      total: 7898, registerTotal: 10371, coverage: 0.7615, coveragePercent: 76, profileShare: 0.4449, profileSharePercent: 44,
      missing: OTHER_REGIONS,
    });
    expect(res.body.missing).toHaveLength(34);
  });

  test('When coverage is read, then Twente is listed with 76%', async () => {
    const res = await t.http().get('/v1/coverage').expect(200);

    expect(res.body).toEqual({
      period: '2026-06',
      regions: [{ region: { code: 'AM05', name: 'Twente' }, total: 7898, registerTotal: 10371, coverage: 0.7615, coveragePercent: 76, profileShare: 0.4449, profileSharePercent: 44 }],
      missing: OTHER_REGIONS,
    });
  });
});
