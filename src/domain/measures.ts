/**
 * The words for each measure, in one place (measures.json): GET /v1/measures answers them, the publication
 * table's headers print them, the report uses them, and the OpenAPI build step
 * (scripts/openapi-document.js) writes them into the descriptions of the fields that hold them.
 */
import words from './measures.json';

/**
 * A measure, named by the field that holds it in the JSON answers (dotted for the four counts).
 * @example "coverage"
 */
export type MeasureId =
  | 'gemeenteClients.withProfile'
  | 'gemeenteClients.withoutProfile'
  | 'uwvClients.withProfile'
  | 'uwvClients.withoutProfile'
  | 'total'
  | 'registerTotal'
  | 'coverage'
  | 'profileShare';

/**
 * One measure of the figures, in the publication's Dutch and in English.
 * @example {"id": "total", "dutchLabel": "Totaal doelgroep banenafspraken in Sonar", "englishLabel": "Total of the doelgroep banenafspraken in Sonar", "definition": "The sum of the four counts: everyone of the doelgroep banenafspraken in Sonar. Never stored, always derived.", "unit": "persons"}
 */
export interface Measure {
  /**
   * The field that holds it in every JSON answer and CSV header.
   * @example "gemeenteClients.withProfile"
   */
  id: MeasureId;
  /**
   * The Dutch label as the publication prints it; for the four counts the column group, then the column.
   * @example "Gemeenteklanten in Sonar, Profiel in Sonar"
   */
  dutchLabel: string;
  /**
   * The label in English.
   * @example "Gemeente clients with a profile"
   */
  englishLabel: string;
  /**
   * What is counted or computed, in English.
   * @example "People of the doelgroep banenafspraken in Sonar as clients of the gemeente, with a klantprofiel (visible in the kandidatenverkenner)."
   */
  definition: string;
  /** `persons` for counts; `ratio` for a share between 0 and 1 with 4 decimals (also given as a whole percentage). */
  unit: 'persons' | 'ratio';
}

/**
 * The measures of the figures, in the order the publication prints them.
 * @example {"measures": [{"id": "total", "dutchLabel": "Totaal doelgroep banenafspraken in Sonar", "englishLabel": "Total of the doelgroep banenafspraken in Sonar", "definition": "The sum of the four counts: everyone of the doelgroep banenafspraken in Sonar. Never stored, always derived.", "unit": "persons"}]}
 */
export interface MeasureList {
  /** The four counts, the total, the doelgroepregister, coverage and profile share. */
  measures: Measure[];
}

/** The publication's header rows: the column groups, then the columns under them. */
export const TABLE_HEADINGS: Readonly<Record<keyof typeof words.headings, string>> = Object.freeze(words.headings);

export const MEASURES: readonly Measure[] = Object.freeze(words.measures as Measure[]);

export const measure = (id: MeasureId): Measure => MEASURES.find((m) => m.id === id) as Measure;

export function listMeasures(): MeasureList {
  return { measures: MEASURES.map((m) => ({ ...m })) };
}
