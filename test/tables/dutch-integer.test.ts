import { formatDutchInteger, NOT_A_COUNT, parseDutchInteger, whyNotACount } from '../../src/tables/dutch-integer';
import { detectDelimiter } from '../../src/tables/text-rows';

describe('Counts as the publication prints them', () => {
  test.each([
    ['3', 3], ['0', 0], ['1218', 1218], ['1.218', 1218], ['10.371', 10371], ['1.234.567', 1234567], ['007', 7],
  ])('When a cell holds "%s", then it is the count %d', (text, value) => {
    expect(parseDutchInteger(text)).toBe(value);
  });

  test.each([
    ['', 'empty'], ['1.2', 'not a whole number'], ['1.21', 'not a whole number'], ['1.2180', 'not a whole number'],
    ['1234.567', 'not a whole number'], ['0.218', 'not a whole number'], ['.218', 'not a whole number'], ['1.', 'not a whole number'],
    ['1,218', 'comma'], ['1,2', 'comma'], ['-3', 'negative'], ['12a', 'not a count'], ['drie', 'not a count'], ['1 218', 'not a count'],
  ])('When a cell holds "%s", then it is no count, and the reason says %s', (text, reason) => {
    expect(parseDutchInteger(text)).toBe(NOT_A_COUNT);
    expect(whyNotACount(text)).toContain(reason);
  });

  test('When a count is written back, then it has the publication\'s thousands dots', () => {
    expect([7, 1218, 10371, 1234567].map(formatDutchInteger)).toEqual(['7', '1.218', '10.371', '1.234.567']);
  });
});

describe('The delimiter of a text table', () => {
  test.each([
    ['Arbeidsmarktregio\tGemeente\tGemeenteklanten in Sonar\t\t', '\t'],
    ['Arbeidsmarktregio;Gemeente;"Totaal, in Sonar";;', ';'],
    ['Arbeidsmarktregio,Gemeente,Gemeenteklanten in Sonar,,', ','],
  ])('When the first line is %j, then the delimiter is %j', (line, delimiter) => {
    expect(detectDelimiter(line, ',')).toBe(delimiter);
  });

  test('When the first line has no delimiter at all, then the one of the content type serves', () => {
    expect(detectDelimiter('Gemeente', '\t')).toBe('\t');
  });
});
