import { changeBetween, ratioDifference, selectObservations, withChanges } from '../../src/domain/change';
import { toInstant } from '../../src/domain/instant';
import { toPeriod } from '../../src/domain/period';

describe('Changes between periods', () => {
  test('When ratios of 4 decimals are subtracted, then the difference has 4 decimals, without floating-point drift', () => {
    expect(0.7615 - 0.7314).not.toBe(0.0301); // what plain subtraction would answer
    expect(ratioDifference(0.7314, 0.7615)).toBe(0.0301);
    expect(ratioDifference(0.3, 0.1)).toBe(-0.2);
    expect(ratioDifference(0.0001, 1)).toBe(0.9999);
    expect(ratioDifference(null, 0.5)).toBeNull();
    expect(ratioDifference(0.5, null)).toBeNull();
  });

  test('When every pair of 4-decimal ratios is subtracted, then each difference is the nearest number to the exact one', () => {
    const wrong: string[] = [];
    for (let a = 0; a <= 10_000; a += 7) {
      for (let b = 0; b <= 10_000; b += 11) {
        if (ratioDifference(a / 10_000, b / 10_000) !== (b - a) / 10_000) wrong.push(`${b / 10_000} - ${a / 10_000}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('When points get their changes, then the first has none and each other compares with the point before it', () => {
    const points = [
      { period: '2026-03', total: 7586, coverage: 0.7315, profileShare: 0.4425 },
      { period: '2026-06', total: 7898, coverage: 0.7615, profileShare: 0.4449 },
      { period: '2026-12', total: 7800, coverage: null, profileShare: 0.4449 },
    ];

    expect(withChanges(points).map((p) => p.change)).toEqual([
      null,
      { total: 312, coverage: 0.03, profileShare: 0.0024, fromPeriod: '2026-03' },
      { total: -98, coverage: null, profileShare: 0, fromPeriod: '2026-06' },
    ]);
    expect(changeBetween(points[0], points[1])).toEqual(withChanges(points)[1].change);
  });
});

describe('SDMX selection of observations', () => {
  const points = ['2025-06', '2025-09', '2026-03', '2026-06'].map((period) => ({ period }));
  const periods = (selection: Parameters<typeof selectObservations>[1]) => selectObservations(points, selection).map((p) => p.period);

  test('When start and end periods are given, then both are included, and periods between points select nothing extra', () => {
    expect(periods({})).toEqual(['2025-06', '2025-09', '2026-03', '2026-06']);
    expect(periods({ startPeriod: '2025-09', endPeriod: '2026-03' })).toEqual(['2025-09', '2026-03']);
    expect(periods({ startPeriod: '2025-10', endPeriod: '2026-02' })).toEqual([]);
    expect(periods({ startPeriod: '2026-07' })).toEqual([]);
  });

  test('When lastNObservations is given, then it takes the last N of the selected periods', () => {
    expect(periods({ lastNObservations: 1 })).toEqual(['2026-06']);
    expect(periods({ endPeriod: '2026-03', lastNObservations: 2 })).toEqual(['2025-09', '2026-03']);
    expect(periods({ lastNObservations: 10 })).toHaveLength(4);
  });
});

describe('Period notations', () => {
  test('When a quarter is written as SDMX or CBS write it, then it is its last month', () => {
    expect(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'].map(toPeriod)).toEqual(['2026-03', '2026-06', '2026-09', '2026-12']);
    expect(['2026KW01', '2026KW02', '2026KW03', '2026KW04'].map(toPeriod)).toEqual(['2026-03', '2026-06', '2026-09', '2026-12']);
    expect(toPeriod('2026-06')).toBe('2026-06');
  });

  test('When a period is no month or quarter, then it has no canonical form', () => {
    for (const bad of ['2026-Q5', '2026-Q0', '2026KW07', '2026KW00', '2026KW1', '2026-q2', '2026kw02', '2026-13', '2026-6', '1826-06', '٢٠٢٦-06', '2026-06 ']) {
      expect(toPeriod(bad)).toBeUndefined();
    }
  });
});

describe('asOf instants', () => {
  test('When an RFC 3339 instant is given, then it becomes the UTC form uploads store', () => {
    expect(toInstant('2026-07-01T12:00:00Z')).toBe('2026-07-01T12:00:00.000Z');
    expect(toInstant('2026-07-01T14:00:00+02:00')).toBe('2026-07-01T12:00:00.000Z');
    expect(toInstant('2026-07-01T14:00:00 02:00')).toBe('2026-07-01T12:00:00.000Z'); // an unencoded + in a URL
    expect(toInstant('2026-07-01t07:30:00.1234567-04:30')).toBe('2026-07-01T12:00:00.123Z'); // cut, not rounded
    expect(toInstant('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
  });

  test('When a value is no RFC 3339 instant, then it has none', () => {
    for (const bad of ['2026-07-01', '2026-07-01T12:00:00', '2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-07-01T24:00:00Z',
      '2026-07-01T12:60:00Z', '2026-07-01T12:00:60Z', '2026-07-01T12:00:00+24:00', '2026-07-01T12:00Z', 'now', '',
      '9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+01:00']) {
      expect(toInstant(bad)).toBeUndefined();
    }
  });
});
