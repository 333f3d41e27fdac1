import { normalizeName } from '../../src/domain/names';
import { ReferenceData } from '../../src/domain/reference';
import { FiguresDatabase } from '../../src/storage/figures-store';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-engine';

describe('Name matching', () => {
  let store: FiguresDatabase;
  let reference: ReferenceData;
  beforeAll(async () => {
    store = await openSqliteStore(':memory:');
    reference = new ReferenceData(await store.referenceData());
  });
  afterAll(() => store.close());
  const gemeente = (region: string, name: string) => reference.findGemeente(reference.region(region), name)?.name;

  test('When the reference data is loaded, then there are 35 regions and 342 gemeenten, each in one region', () => {
    const codes = reference.regions.flatMap((r) => r.gemeenten.map((g) => g.code));

    expect(reference.regions).toHaveLength(35);
    expect(codes).toHaveLength(342);
    expect(new Set(codes).size).toBe(342);
  });

  test.each([
    ['Twente', 'Hengelo', 'Hengelo (O.)'],
    ['Twente', 'hengelo (o.)', 'Hengelo (O.)'],
    ['Twente', '  HOF  VAN   TWENTE ', 'Hof van Twente'],
    ['Twente', 'Rijssen Holten', 'Rijssen-Holten'],
    ['Twente', 'GM0141', 'Almelo'],
    ['Haaglanden', 'Den Haag', "'s-Gravenhage"],
    ['Haaglanden', 's-Gravenhage', "'s-Gravenhage"],
    ['Haaglanden', '’s-Gravenhage', "'s-Gravenhage"],
    ['Noordoost-Brabant', 'Den Bosch', "'s-Hertogenbosch"],
    ['Noord-Holland Noord', 'Bergen', 'Bergen (NH.)'],
    ['Noord-Limburg', 'Bergen', 'Bergen (L.)'],
    ['Friesland', 'Súdwest-Fryslân', 'Súdwest-Fryslân'],
    ['Friesland', 'Sudwest Fryslan', 'Súdwest-Fryslân'],
    ['Zuidoost-Brabant', 'Nuenen, Gerwen en Nederwetten', 'Nuenen, Gerwen en Nederwetten'],
  ])('When %s is asked for "%s", then it finds %s', (region, name, expected) => {
    expect(gemeente(region, name)).toBe(expected);
  });

  test('When a gemeente of another region is asked for, then it is not found', () => {
    expect(gemeente('Twente', 'Zwolle')).toBeUndefined();
    expect(gemeente('Twente', 'GM0193')).toBeUndefined();
  });

  test.each([
    ['AM05', 'AM05'], ['am05', 'AM05'], ['Twente', 'AM05'], ['TWENTE', 'AM05'], ['28 Twente', 'AM05'],
    ['Zaanstreek/Waterland', 'AM17'], ['zaanstreek waterland', 'AM17'], ['Regio Zwolle', 'AM36'],
  ])('When a region is asked for as "%s", then it is %s', (key, code) => {
    expect(reference.findRegion(key)?.code).toBe(code);
  });

  test('When a name is misspelt, then the closest names are suggested', () => {
    expect(reference.suggestGemeenten(reference.region('Twente'), 'Enschde')[0]).toBe('Enschede');
    expect(reference.suggestRegions('Twenthe')[0]).toBe('Twente');
  });

  test('When names are normalized, then case, accents, suffixes and punctuation fall away', () => {
    expect(normalizeName(" 's-Hertogenbosch ")).toBe('hertogenbosch');
    expect(normalizeName('Stein (L.)')).toBe('stein');
  });
});
