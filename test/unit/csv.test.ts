import { parse } from 'csv-parse/sync';
import { csvCell, csvChunks, csvTableOf, flatten } from '../../src/exports/csv';

describe('CSV as RFC 4180 writes it', () => {
  test('When a cell holds the separator, a quote or a line end, then it is quoted with the quote doubled, and csv-parse reads it back as it was', () => {
    const names = ['Bergen (NH.)', 'Súdwest-Fryslân', 'a, b', 'say "hi"', 'two\nlines', ' padded '];
    const text = [...csvChunks(['name'], names.map((name) => [name]), { delimiter: 'comma' })].join('');

    expect(text).toBe('name\r\nBergen (NH.)\r\nSúdwest-Fryslân\r\n"a, b"\r\n"say ""hi"""\r\n"two\nlines"\r\n" padded "\r\n');
    expect((parse(text, { columns: true }) as Array<{ name: string }>).map((r) => r.name)).toEqual(names);
  });

  test('When the delimiter is semicolon, then decimals get a comma, a comma needs no quotes but a semicolon does, and the file starts with a BOM', () => {
    const text = [...csvChunks(['a', 'b', 'c'], [[0.7615, 'x,y', 'x;y']], { delimiter: 'semicolon' })].join('');

    expect(text).toBe('\uFEFFa;b;c\r\n0,7615;x,y;"x;y"\r\n');
  });

  test('When a text cell starts like a spreadsheet formula, then it is written as text; null is an empty cell', () => {
    expect(csvCell('=SUM(A1)', { delimiter: 'comma' })).toBe("'=SUM(A1)");
    expect(csvCell(null, { delimiter: 'comma' })).toBe('');
    expect(csvCell(-3, { delimiter: 'comma' })).toBe('-3');
  });

  test('When a view is flattened, then nested objects become dotted columns, the context repeats on every row, and arrays are left out', () => {
    expect(flatten({ region: { code: 'AM05' }, gemeenten: [1], total: 7898 })).toEqual({ 'region.code': 'AM05', total: 7898 });
    const { columns, rows, count } = csvTableOf({ period: '2026-06' }, [{ code: 'GM0141', uwvClients: { withProfile: 491 } }, { code: 'GM0147', uwvClients: { withProfile: 85 } }]);

    expect(columns).toEqual(['period', 'code', 'uwvClients.withProfile']);
    expect([...rows]).toEqual([['2026-06', 'GM0141', 491], ['2026-06', 'GM0147', 85]]);
    expect(count).toBe(2);
  });

  test('When there are many rows, then they come in chunks of about 64 KiB that together are the whole file', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`GM${String(i).padStart(4, '0')}`, 'Hengelo (O.)', i]);
    const chunks = [...csvChunks(['code', 'name', 'total'], rows, { delimiter: 'comma' })];

    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.slice(0, -1).every((c) => c.length >= 64 * 1024)).toBe(true);
    expect(parse(chunks.join(''), { columns: true })).toHaveLength(5000);
  });
});
