import { createSonarClient, type Schemas, type SonarClient } from '@sonar-transparency/client';
import { twenteUpload } from '../support/factories';
import { liveAppUnderTest } from '../support/live-server';
import { WRITER_KEY } from '../support/test-app';

/** The typed client, as another service uses it, against the app listening on a real socket. */
describe('The typed client against the running app', () => {
  const live = liveAppUnderTest();
  let sonar: SonarClient;
  beforeAll(() => {
    sonar = createSonarClient({ baseUrl: live.base() });
  });

  test('When the Twente table is uploaded through the client, then its typed answer holds the totals the reads give', async () => {
    const writer = createSonarClient({ baseUrl: `${live.base()}/`, apiKey: WRITER_KEY });

    const { data, error, response } = await writer.POST('/uploads', { body: twenteUpload() });

    expect(error).toBeUndefined();
    expect(response.status).toBe(201);
    const receipts: Schemas['UploadReceipt'][] = data?.uploads ?? [];
    expect(receipts.map((r) => [r.region.code, r.period, r.totals.total, r.totals.coveragePercent])).toEqual([['AM05', '2026-06', 7898, 76]]);
  });

  test('When another service reads a region\'s totals, the gemeenten, the regions and the periods, then each answer is typed and right', async () => {
    const totals = await sonar.GET('/regions/{region}/totals', { params: { path: { region: 'Twente' }, query: { period: '2026-06' } } });
    const gemeenten = await sonar.GET('/regions/{region}/gemeenten', { params: { path: { region: 'AM05' } } });
    const regions = await sonar.GET('/regions');
    const periods = await sonar.GET('/periods');
    const coverage = await sonar.GET('/coverage');

    expect(totals.data).toEqual(expect.objectContaining({ total: 7898, registerTotal: 10371, coverage: 0.7615, profileShare: 0.4449 }));
    expect(gemeenten.data?.gemeenten.find((g) => g.code === 'GM0141')?.total).toBe(1218);
    expect(regions.data?.regions).toHaveLength(35);
    expect(periods.data?.periods).toEqual(['2026-06']);
    expect(coverage.data?.regions.map((r) => r.coveragePercent)).toEqual([76]);
    expect(totals.response.headers.get('etag')).toMatch(/^"/);
  });

  test('When a read fails, then the client gives the problem as typed error details', async () => {
    const missing = await sonar.GET('/regions/{region}/totals', { params: { path: { region: 'Twnte' } } });
    const noUpload = await sonar.GET('/uploads/{id}', { params: { path: { id: 999999 } } });

    expect(missing.data).toBeUndefined();
    expect(missing.error).toEqual(expect.objectContaining({ status: 404, title: 'Not Found' }));
    expect(missing.error?.errors?.[0].suggestions).toEqual(['Twente (AM05)']);
    expect(noUpload.error?.status).toBe(404);
  });

  test('When the client reads the index, then every link it gives answers', async () => {
    const { data } = await sonar.GET('/');

    expect(data?.links.length).toBeGreaterThanOrEqual(7);
    for (const link of data?.links ?? []) {
      const res = await fetch(`${live.base()}${link.href}`);
      expect({ href: link.href, status: res.status === 404 ? 'no figures yet' : res.status }).toEqual({ href: link.href, status: 200 });
    }
  });
});
