/**
 * The words for each measure, in one place: GET /v1/measures answers them, the publication table's headers
 * print them, the report uses them and the OpenAPI build step writes them into the document.
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

/** One measure of the figures, in the publication's Dutch and in English. */
export interface Measure {
  /**
   * The field that holds it in every JSON answer and CSV header.
   * @example "gemeenteClients.withProfile"
   */
  id: MeasureId;
  /**
   * The Dutch label as the publication prints it; for the four counts the column group, then the column.
   * @example "Gemeenteklanten in Sonar, profiel in Sonar"
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

export interface MeasureList {
  measures: Measure[];
}

/** The publication's header rows: the column groups, then the columns under them. */
export const TABLE_HEADINGS = {
  region: 'Arbeidsmarktregio',
  gemeente: 'Gemeente',
  gemeenteClients: 'Gemeenteklanten in Sonar',
  uwvClients: 'UWV-klanten in Sonar',
  withProfile: 'Profiel in Sonar',
  withoutProfile: 'Geen profiel in Sonar',
  total: 'Totaal doelgroep banenafspraken in Sonar',
  totalRow: 'TOTAAL AMR',
  registerTotal: 'Doelgroepregister banenafspraken',
  coverage: 'Bekend binnen Sonar',
  profileShare: 'Met profiel in Sonar',
} as const;

const H = TABLE_HEADINGS;

export const MEASURES: readonly Measure[] = Object.freeze([
  {
    id: 'gemeenteClients.withProfile', dutchLabel: `${H.gemeenteClients}, ${H.withProfile.toLowerCase()}`,
    englishLabel: 'Gemeente clients with a profile', unit: 'persons',
    definition: 'People of the doelgroep banenafspraken in Sonar as clients of the gemeente, with a klantprofiel (visible in the kandidatenverkenner).',
  },
  {
    id: 'gemeenteClients.withoutProfile', dutchLabel: `${H.gemeenteClients}, ${H.withoutProfile.toLowerCase()}`,
    englishLabel: 'Gemeente clients without a profile', unit: 'persons',
    definition: 'People of the doelgroep banenafspraken in Sonar as clients of the gemeente, without a klantprofiel.',
  },
  {
    id: 'uwvClients.withProfile', dutchLabel: `${H.uwvClients}, ${H.withProfile.toLowerCase()}`,
    englishLabel: 'UWV clients with a profile', unit: 'persons',
    definition: 'People of the doelgroep banenafspraken in Sonar as clients of UWV, with a klantprofiel (visible in the kandidatenverkenner).',
  },
  {
    id: 'uwvClients.withoutProfile', dutchLabel: `${H.uwvClients}, ${H.withoutProfile.toLowerCase()}`,
    englishLabel: 'UWV clients without a profile', unit: 'persons',
    definition: 'People of the doelgroep banenafspraken in Sonar as clients of UWV, without a klantprofiel.',
  },
  {
    id: 'total', dutchLabel: H.total, englishLabel: 'Total of the doelgroep banenafspraken in Sonar', unit: 'persons',
    definition: 'The sum of the four counts: everyone of the doelgroep banenafspraken in Sonar. Never stored, always derived.',
  },
  {
    id: 'registerTotal', dutchLabel: H.registerTotal, englishLabel: 'Doelgroepregister banenafspraken', unit: 'persons',
    definition: 'The number of people in the region\'s doelgroepregister banenafspraken, the register that Sonar should hold a subset of.',
  },
  {
    id: 'coverage', dutchLabel: H.coverage, englishLabel: 'Coverage of the register', unit: 'ratio',
    definition: 'The Sonar total divided by the doelgroepregister: the share of the doelgroepen known in Sonar (Twente 2026-06: 7.898 / 10.371 = 0.7615, published as 76%).',
  },
  {
    id: 'profileShare', dutchLabel: H.profileShare, englishLabel: 'Share with a profile', unit: 'ratio',
    definition: 'Gemeente and UWV clients with a klantprofiel divided by the Sonar total: the share visible in the kandidatenverkenner.',
  },
] satisfies Measure[]);

export const measure = (id: MeasureId): Measure => MEASURES.find((m) => m.id === id) as Measure;

export function listMeasures(): MeasureList {
  return { measures: MEASURES.map((m) => ({ ...m })) };
}
