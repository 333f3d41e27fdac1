import { ratio, rowTotal, summarize, sumCounts } from '../../src/domain/figures';
import { twenteUpload } from '../support/factories';

const twenteRows = () => twenteUpload().gemeenten.map(({ gemeenteClients, uwvClients }) => ({ gemeenteClients, uwvClients }));

describe('Totals and coverage arithmetic', () => {
  test('When a row is totalled, then its total is the sum of the four counts, as published', () => {
    for (const row of twenteUpload().gemeenten) expect(rowTotal(row)).toBe(row.total);
  });

  test('When the Twente rows are summed, then the sum is the TOTAAL AMR row', () => {
    expect(sumCounts(twenteRows())).toEqual({ gemeenteClients: { withProfile: 38, withoutProfile: 1216 }, uwvClients: { withProfile: 3476, withoutProfile: 3168 } });
  });

  test('When Twente is summarized against its register of 10,371, then coverage is 0.7615 (76%) and profile share 0.4449 (44%)', () => {
    expect(summarize(twenteRows(), 10371)).toEqual(expect.objectContaining({
      total: 7898, registerTotal: 10371, coverage: 0.7615, coveragePercent: 76, profileShare: 0.4449, profileSharePercent: 44,
    }));
  });

  test('When there is no register, then coverage is null but profile share is still computed', () => {
    const s = summarize(twenteRows(), null);

    expect([s.coverage, s.coveragePercent]).toEqual([null, null]);
    expect(s.profileShare).toBe(0.4449);
  });

  test('When there are no clients, then the ratios are null rather than a division by zero', () => {
    expect(summarize([], 0)).toEqual(expect.objectContaining({ total: 0, coverage: null, profileShare: null }));
  });

  test('When only part of the total is covered by registers, then coverage uses that part', () => {
    const s = summarize(twenteRows(), 10371, 5000);

    expect(s.total).toBe(7898);
    expect(s.coverage).toBe(0.4821);
  });

  test.each([
    [1, 3, 0.3333, 33],
    [2, 3, 0.6667, 67],
    [1, 8, 0.125, 13],
    [12, 10, 1.2, 120],
    [23, 40, 0.575, 58], // exact halves round up, as the publication does
    [29, 200, 0.145, 15],
    [1, 20000, 0.0001, 0], // 0.00005 rounds up in the fourth decimal
  ])('When %i of %i is a ratio, then it is %d with 4 decimals and %i percent', (n, d, value, percent) => {
    expect(ratio(n, d)).toEqual({ value, percent });
  });
});
