import { buildRow, buildUpload } from '../support/factories';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

describe('Unknown regions and gemeenten get the closest names', () => {
  const app = appUnderTest('all');

  const unknownRegion = async (url: string) => {
    const res = await app().http().get(url).expect(404);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual(expect.objectContaining({ type: 'about:blank', title: 'Not Found', status: 404 }));
    return res.body as { detail: string; errors: Array<{ field: string; found: string; detail: string; suggestions?: string[] }> };
  };

  test('When a region is asked for by the name of its main gemeente, then the problem names the region and says where the gemeente is', async () => {
    const problem = await unknownRegion('/v1/regions/Zwolle');

    expect(problem.errors).toEqual([expect.objectContaining({ field: 'region', found: 'Zwolle', suggestions: expect.arrayContaining(['Regio Zwolle (AM36)']) })]);
    expect(problem.errors[0].suggestions?.[0]).toBe('Regio Zwolle (AM36)');
    expect(problem.detail).toContain('Zwolle (GM0193) is a gemeente of Regio Zwolle (AM36)');
  });

  test('When a region code is written without its leading zero, then the problem suggests the code', async () => {
    const problem = await unknownRegion('/v1/regions/AM5/totals');

    expect(problem.errors[0]).toEqual(expect.objectContaining({ found: 'AM5', suggestions: ['Twente (AM05)'] }));
    expect(problem.detail).toContain('Did you mean Twente (AM05)?');
  });

  test('When a gemeente is given as a region, then the problem says which region it is in', async () => {
    const problem = await unknownRegion('/v1/regions/Hengelo');

    expect(problem.detail).toContain('Hengelo (O.) (GM0164) is a gemeente of Twente (AM05)');
    expect(problem.errors[0]).toEqual(expect.objectContaining({ detail: expect.stringContaining('is a gemeente, not an arbeidsmarktregio'), suggestions: expect.arrayContaining(['Twente (AM05)']) }));
  });

  test('When a gemeente name belongs to two regions, then both are named; a gemeente code works too', async () => {
    const bergen = await unknownRegion('/v1/regions/Bergen/gemeenten');
    const code = await unknownRegion('/v1/regions/GM0141');

    expect(bergen.detail).toContain('Bergen (NH.)');
    expect(bergen.detail).toContain('Bergen (L.)');
    expect(code.detail).toContain('Almelo (GM0141) is a gemeente of Twente (AM05)');
  });

  test('When a region name is misspelt, then the closest names come with their codes; nonsense gets none', async () => {
    const misspelt = await unknownRegion('/v1/regions/Twnte');
    const nonsense = await unknownRegion('/v1/regions/Qqqqqqqqqqqq');

    expect(misspelt.errors[0].suggestions).toEqual(['Twente (AM05)']);
    expect(nonsense.errors[0].suggestions).toBeUndefined();
  });

  test('When an upload names a gemeente by a short code or a misspelt name, or a region by a short code, then the suggestions say which was meant', async () => {
    const res = await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send(buildUpload({ gemeenten: [buildRow({ gemeente: 'GM141' }), buildRow({ gemeente: 'Enschedee' })] })).expect(400);
    const region = await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ region: 'AM5' })).expect(400);

    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'gemeenten[0].gemeente', found: 'GM141', suggestions: ['Almelo'] }),
      expect.objectContaining({ field: 'gemeenten[1].gemeente', found: 'Enschedee', suggestions: expect.arrayContaining(['Enschede']) }),
    ]);
    expect(region.body.errors).toEqual([expect.objectContaining({ field: 'region', found: 'AM5', suggestions: ['Twente'] })]);
  });
});
