/**
 * Deterministic benchmark data: the 35 regions and 342 gemeenten of the reference CSVs, pseudo-random
 * but repeatable counts per (region, period), and the two forms the service takes them in: JSON upload
 * bodies and publication tables (TSV laid out like test/fixtures/twente-publication.tsv).
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DB_DIR } from '../src/paths';

export interface BenchGemeente {
  code: string;
  /** Official CBS name, e.g. `Hengelo (O.)`. */
  name: string;
}

export interface BenchRegion {
  code: string;
  name: string;
  /** The local number publications put before the name ("28 Twente"); not a key. */
  label: string;
  gemeenten: BenchGemeente[];
}

export interface Counts {
  withProfile: number;
  withoutProfile: number;
}

export interface GemeenteRow {
  code: string;
  /** The name as a publication writes it: without CBS's province suffix. */
  publishedName: string;
  gemeenteClients: Counts;
  uwvClients: Counts;
}

export interface RegionTable {
  region: BenchRegion;
  period: string;
  rows: GemeenteRow[];
  registerTotal: number;
}

interface RegionCsvRow {
  arbeidsmarktregiocode: string;
  arbeidsmarktregionaam: string;
}
interface GemeenteCsvRow {
  gemeentecode: string;
  gemeentenaam: string;
  arbeidsmarktregiocode: string;
}

function readCsv<T>(file: string): T[] {
  return parse(readFileSync(path.join(DB_DIR, 'reference', file)), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as T[];
}

/** The regions in CBS code order, each with its gemeenten in name order (as the publication lists them). */
export function loadRegions(): BenchRegion[] {
  const regions = readCsv<RegionCsvRow>('arbeidsmarktregios-2026.csv');
  const gemeenten = readCsv<GemeenteCsvRow>('gemeenten-2026.csv');
  return regions
    .map((r, index) => ({
      code: r.arbeidsmarktregiocode,
      name: r.arbeidsmarktregionaam,
      label: `${index + 1} ${r.arbeidsmarktregionaam}`,
      gemeenten: gemeenten
        .filter((g) => g.arbeidsmarktregiocode === r.arbeidsmarktregiocode)
        .map((g) => ({ code: g.gemeentecode, name: g.gemeentenaam }))
        .sort((a, b) => a.name.localeCompare(b.name, 'nl')),
    }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** `count` consecutive months ending with `last`, oldest first. */
export function periods(count: number, last = '2026-06'): string[] {
  const [year, month] = last.split('-').map(Number);
  const end = year * 12 + (month - 1);
  return Array.from({ length: count }, (_, i) => {
    const m = end - (count - 1) + i;
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
  });
}

/** mulberry32: a small, fast, repeatable generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** "Hengelo (O.)" → "Hengelo", as the publication writes it. */
function published(name: string): string {
  return name.replace(/\s*\([A-Z]{1,3}\.\)\s*$/, '');
}

/** The region's table for one period: the same numbers every run. */
export function regionTable(region: BenchRegion, period: string): RegionTable {
  const next = random(seedOf(`${region.code} ${period}`));
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  const rows = region.gemeenten.map((g) => {
    const size = between(1, 20); // small gemeenten and cities alike
    return {
      code: g.code,
      publishedName: published(g.name),
      gemeenteClients: { withProfile: between(0, 2 * size), withoutProfile: between(5, 30 * size) },
      uwvClients: { withProfile: between(20, 70 * size), withoutProfile: between(20, 60 * size) },
    };
  });
  const total = rows.reduce((sum, r) => sum + rowTotal(r), 0);
  return { region, period, rows, registerTotal: Math.round(total * (1.2 + next() * 0.2)) };
}

export function rowTotal(r: GemeenteRow): number {
  return r.gemeenteClients.withProfile + r.gemeenteClients.withoutProfile + r.uwvClients.withProfile + r.uwvClients.withoutProfile;
}

/** The JSON body of POST /v1/uploads for one region and period. */
export function jsonUpload(table: RegionTable): string {
  return JSON.stringify({
    period: table.period,
    region: table.region.name,
    registerTotal: table.registerTotal,
    gemeenten: table.rows.map((r) => ({
      gemeente: r.publishedName,
      gemeenteClients: r.gemeenteClients,
      uwvClients: r.uwvClients,
      total: rowTotal(r),
    })),
  });
}

/** Dutch thousands separators: 1218 → "1.218". */
function dutch(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

const TSV_HEADER =
  'Arbeidsmarktregio\tGemeente\tGemeenteklanten in Sonar\t\tUWV-klanten in Sonar\t\tTotaal doelgroep banenafspraken in Sonar\n' +
  '\t\tProfiel in Sonar\tGeen profiel in Sonar\tProfiel in Sonar\tGeen profiel in Sonar\t\n';

/**
 * One region's publication table, laid out exactly like test/fixtures/twente-publication.tsv: two header
 * rows, the region label on the first data row only, Dutch thousands separators, and the TOTAAL AMR row
 * shifted one cell to the right without its total.
 */
export function publicationTsv(table: RegionTable): string {
  const lines = table.rows.map((r, i) => {
    const cells = [i === 0 ? table.region.label : '', r.publishedName, r.gemeenteClients.withProfile, r.gemeenteClients.withoutProfile,
      r.uwvClients.withProfile, r.uwvClients.withoutProfile, rowTotal(r)];
    return cells.map((c) => (typeof c === 'number' ? dutch(c) : c)).join('\t');
  });
  const sum = (pick: (r: GemeenteRow) => number) => dutch(table.rows.reduce((s, r) => s + pick(r), 0));
  lines.push(['', 'TOTAAL AMR', '', sum((r) => r.gemeenteClients.withProfile), sum((r) => r.gemeenteClients.withoutProfile),
    sum((r) => r.uwvClients.withProfile), sum((r) => r.uwvClients.withoutProfile)].join('\t'));
  return TSV_HEADER + lines.join('\n') + '\n';
}

/** Several regions' tables one after another in one file, as a national publication holds them. */
export function multiRegionTsv(tables: RegionTable[]): string {
  return tables.map(publicationTsv).join('');
}
