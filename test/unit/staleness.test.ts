/** Which kept answers a write makes stale (domain/staleness.ts): the instant it was stored against an answer's `asOf`. */
import { affects, asOfThen, periodScope } from '../../src/domain/staleness';

const TWENTE_JUNE = periodScope('AM05', '2026-06', '2026-06');
const touched = (at?: string) => [{ regionCode: 'AM05', period: '2026-06', ...(at === undefined ? {} : { at }) }];

describe('A write against an answer as of an instant', () => {
  test.each([
    { when: 'stored before the instant', at: '2026-07-01T11:59:59.999Z', stale: true },
    { when: 'stored at the instant itself (counted: at or before it)', at: '2026-07-01T12:00:00.000Z', stale: true },
    { when: 'stored after the instant', at: '2026-07-01T12:00:00.001Z', stale: false },
    { when: 'whose instant is unknown', at: undefined, stale: true },
  ])('When it was $when, then the answer is stale: $stale', ({ at, stale }) => {
    expect(affects(touched(at), asOfThen(TWENTE_JUNE, '2026-07-01T12:00:00.000Z'))).toBe(stale);
  });

  test('When the answer is as of now (no instant), then any write touching it makes it stale, whenever stored', () => {
    expect(affects(touched('2099-01-01T00:00:00.000Z'), asOfThen(TWENTE_JUNE, undefined))).toBe(true);
  });

  test('When a write stored before the instant touches another region, then the answer stays', () => {
    expect(affects([{ regionCode: 'AM14', period: '2026-06', at: '2026-07-01T11:00:00.000Z' }], asOfThen(TWENTE_JUNE, '2026-07-01T12:00:00.000Z'))).toBe(false);
  });
});
