/**
 * Response examples of the series, gemeenten and region-period reads, from the Twente table ("2026-06")
 * and a quarter before it. tsoa reads these literals and the constants they name, but follows no spreads.
 * In the national series only Twente has figures, so the other 34 regions are missing (two of them shown).
 */
import { GemeenteDetail, GemeenteList, GemeenteSeries, NationalSeries, RegionPeriodList, RegionSeries } from '../domain/series-views';

/** Twente's TOTAAL AMR in March and June 2026, and the change between them: shared by the region and national series. */
const MARCH_GEMEENTE_CLIENTS = { withProfile: 36, withoutProfile: 1190 };
const MARCH_UWV_CLIENTS = { withProfile: 3321, withoutProfile: 3039 };
const JUNE_GEMEENTE_CLIENTS = { withProfile: 38, withoutProfile: 1216 };
const JUNE_UWV_CLIENTS = { withProfile: 3476, withoutProfile: 3168 };
const JUNE_CHANGE = { total: 312, coverage: 0.03, profileShare: 0.0024, fromPeriod: '2026-03' };
const MISSING = [
  { code: 'AM01', name: 'Groningen' },
  { code: 'AM09', name: 'Achterhoek' },
];

const TWENTE = { code: 'AM05', name: 'Twente' };

export const REGION_SERIES: RegionSeries = {
  region: TWENTE,
  series: [
    {
      period: '2026-03',
      gemeenteClients: MARCH_GEMEENTE_CLIENTS,
      uwvClients: MARCH_UWV_CLIENTS,
      total: 7586,
      registerTotal: 10371,
      coverage: 0.7315,
      coveragePercent: 73,
      profileShare: 0.4425,
      profileSharePercent: 44,
      change: null,
    },
    {
      period: '2026-06',
      gemeenteClients: JUNE_GEMEENTE_CLIENTS,
      uwvClients: JUNE_UWV_CLIENTS,
      total: 7898,
      registerTotal: 10371,
      coverage: 0.7615,
      coveragePercent: 76,
      profileShare: 0.4449,
      profileSharePercent: 44,
      change: JUNE_CHANGE,
    },
  ],
};

export const NATIONAL_SERIES: NationalSeries = {
  series: [
    {
      period: '2026-03',
      regions: 1,
      regionsWithRegister: 1,
      gemeenteClients: MARCH_GEMEENTE_CLIENTS,
      uwvClients: MARCH_UWV_CLIENTS,
      total: 7586,
      registerTotal: 10371,
      coverage: 0.7315,
      coveragePercent: 73,
      profileShare: 0.4425,
      profileSharePercent: 44,
      missing: MISSING,
      change: null,
    },
    {
      period: '2026-06',
      regions: 1,
      regionsWithRegister: 1,
      gemeenteClients: JUNE_GEMEENTE_CLIENTS,
      uwvClients: JUNE_UWV_CLIENTS,
      total: 7898,
      registerTotal: 10371,
      coverage: 0.7615,
      coveragePercent: 76,
      profileShare: 0.4449,
      profileSharePercent: 44,
      missing: MISSING,
      change: JUNE_CHANGE,
    },
  ],
};

export const GEMEENTE_SERIES: GemeenteSeries = {
  gemeente: { code: 'GM0141', name: 'Almelo', region: TWENTE },
  series: [
    {
      period: '2026-03',
      gemeenteClients: { withProfile: 2, withoutProfile: 215 },
      uwvClients: { withProfile: 470, withoutProfile: 489 },
      total: 1176,
      change: null,
    },
    {
      period: '2026-06',
      gemeenteClients: { withProfile: 3, withoutProfile: 222 },
      uwvClients: { withProfile: 491, withoutProfile: 502 },
      total: 1218,
      change: { total: 42, coverage: null, profileShare: null, fromPeriod: '2026-03' },
    },
  ],
};

export const GEMEENTE_LIST: GemeenteList = {
  gemeenten: [
    { code: 'GM0141', name: 'Almelo', region: TWENTE },
    { code: 'GM0153', name: 'Enschede', region: TWENTE },
    { code: 'GM0164', name: 'Hengelo (O.)', region: TWENTE },
  ],
};

export const GEMEENTE_DETAIL: GemeenteDetail = {
  code: 'GM0141',
  name: 'Almelo',
  region: TWENTE,
  latest: {
    period: '2026-06',
    gemeenteClients: { withProfile: 3, withoutProfile: 222 },
    uwvClients: { withProfile: 491, withoutProfile: 502 },
    total: 1218,
  },
};

export const REGION_PERIODS: RegionPeriodList = {
  region: TWENTE,
  periods: [
    '2026-03',
    '2026-06',
  ],
};
