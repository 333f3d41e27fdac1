import { Counts, Summary } from '../domain/figures';
import { TABLE_HEADINGS as T } from '../domain/measures';
import { NationalTable, NationalTableRow, PublicationTable } from '../domain/publication-table';
import { formatDutchInteger as n } from '../tables/dutch-integer';
import type { CatalogueSettings } from '../domain/catalogue';
import { RegionRef } from '../domain/reference';
import { schemaDataset } from './dataset';
import { herindelingen, herindelingSample, herindelingText, historyChart, lineSample, RegionHistoryPoint, shareBar } from './chart';
import { MapRegion, regionMap } from './map';
import { dutchMonth, html, Html, signed } from './html';
import { REPORT_CSS } from './style';

const API = '/v1';
const pct = (v: number | null): string => (v === null ? '–' : `${v}%`);

/** Where the accessibility statement lives; every report page links to it. */
export const STATEMENT_PATH = '/rapport/toegankelijkheid';

/**
 * One report page. `data` is schema.org JSON-LD: a data block the browser never runs, so the CSP (no script
 * at all) does not apply to it; `<` is escaped so that no value can close the element.
 */
export function page(title: string, body: Html, data?: object): string {
  return `<!DOCTYPE html>\n${html`<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(REPORT_CSS)}</style>
${data ? html`<script type="application/ld+json">${new Html(JSON.stringify(data).replace(/</g, '\\u003c'))}</script>` : ''}
</head>
<body>
${body}
<footer><p>Transparantie van klantprofielen, uit de cijfers van de Sonar-transparantieservice. Gebiedsindeling: CBS, Gebieden in Nederland 2026 (CC BY 4.0) — Bron: CBS.</p><p><a href="${STATEMENT_PATH}">Toegankelijkheidsverklaring</a></p></footer>
</body>
</html>
`}`;
}

const countCells = (s: Counts & { total: number }) =>
  html`<td class="n">${n(s.gemeenteClients.withProfile)}</td><td class="n">${n(s.gemeenteClients.withoutProfile)}</td><td class="n">${n(s.uwvClients.withProfile)}</td><td class="n">${n(s.uwvClients.withoutProfile)}</td><td class="n">${n(s.total)}</td>`;

const countHead = html`<th scope="colgroup" colspan="2">${T.gemeenteClients}</th><th scope="colgroup" colspan="2">${T.uwvClients}</th>`;
const countSubhead = html`<th scope="col">${T.withProfile}</th><th scope="col">${T.withoutProfile}</th><th scope="col">${T.withProfile}</th><th scope="col">${T.withoutProfile}</th>`;

/** The publication's two sentences under its table, from the figures. */
export function sentences(where: string, totals: Summary): string[] {
  if (totals.registerTotal === null) return [`Voor ${where} is geen doelgroepregister banenafspraken opgegeven; hoeveel van de doelgroepen bekend is binnen Sonar, is daarom niet te zeggen.`];
  return [
    `In ${where} bevat het doelgroepregister banenafspraken in totaal ${n(totals.registerTotal)} personen.`,
    `Hiermee is ${pct(totals.coveragePercent)} van de doelgroepen bekend binnen Sonar.`,
  ];
}

/** A table that scrolls sideways by itself on a narrow screen (200 % zoom), focusable so that the keyboard can scroll it. */
function scrollTable(id: string, caption: Html, body: Html): Html {
  return html`<div class="table-wrap" role="region" tabindex="0" aria-labelledby="${id}"><table><caption id="${id}">${caption}</caption>${body}</table></div>`;
}

function periodNav(periods: string[], current: string, href: (p: string) => string): Html {
  return html`<nav aria-label="Perioden"><ul>${periods.map((p) => html`<li><a href="${href(p)}"${p === current ? new Html(' aria-current="page"') : ''}>${dutchMonth(p)}</a></li>`)}</ul></nav>`;
}

function downloads(links: Array<[string, string]>): Html {
  return html`<section class="downloads" aria-labelledby="downloads"><h2 id="downloads">Downloads</h2><ul>${links.map(([label, href]) => html`<li><a href="${href}" download>${label}</a></li>`)}</ul></section>`;
}

function changeRow(label: string, now: number | null, before: number | null, format: (v: number) => string, unit = ''): Html {
  if (now === null || before === null) return html`<tr><th scope="row">${label}</th><td class="n">${now === null ? '–' : format(now) + unit}</td><td class="n">${before === null ? '–' : format(before) + unit}</td><td class="n">–</td></tr>`;
  const d = now - before;
  return html`<tr><th scope="row">${label}</th><td class="n">${format(now)}${unit}</td><td class="n">${format(before)}${unit}</td><td class="n ${d > 0 ? 'up' : d < 0 ? 'down' : ''}">${signed(d, format)}${unit === '%' ? ' procentpunt' : ''}</td></tr>`;
}

function changes(points: RegionHistoryPoint[], period: string): Html {
  const index = points.findIndex((p) => p.period === period);
  const now = points[index];
  const before = index > 0 ? points[index - 1] : undefined;
  if (!now || !before) return html`<section aria-labelledby="changes"><h2 id="changes">Veranderingen</h2><p>${dutchMonth(period)} is de eerste periode met cijfers; er is nog niets om mee te vergelijken.</p></section>`;
  const a = now.totals;
  const b = before.totals;
  return html`<section aria-labelledby="changes"><h2 id="changes">Veranderingen sinds ${dutchMonth(before.period)}</h2>
${scrollTable('cap-changes', html`Veranderingen per maat sinds ${dutchMonth(before.period)}`, html`<thead><tr><th scope="col">Maat</th><th scope="col" class="n">${dutchMonth(now.period)}</th><th scope="col" class="n">${dutchMonth(before.period)}</th><th scope="col" class="n">Verschil</th></tr></thead><tbody>
${changeRow(T.total, a.total, b.total, n)}
${changeRow(T.registerTotal, a.registerTotal, b.registerTotal, n)}
${changeRow(T.coverage, a.coveragePercent, b.coveragePercent, String, '%')}
${changeRow(T.profileShare, a.profileSharePercent, b.profileSharePercent, String, '%')}
${changeRow(`${T.gemeenteClients}, ${T.withProfile}`, a.gemeenteClients.withProfile, b.gemeenteClients.withProfile, n)}
${changeRow(`${T.uwvClients}, ${T.withProfile}`, a.uwvClients.withProfile, b.uwvClients.withProfile, n)}
</tbody>`)}</section>`;
}

function historySection(points: RegionHistoryPoint[]): Html {
  // Each herindeling inside the series as a line of text under the chart; what changed is the API's words (English).
  const changes = herindelingen(points);
  const changeLines = changes.map((h) => html`<span class="herindeling">${herindelingSample()} ${herindelingText(h)}: <span lang="en">${h.change}</span>.</span>`);
  const changeLegend = changes.length ? html`<span>${herindelingSample()} Herindeling (verticale stippellijn)</span>` : '';
  return html`<section aria-labelledby="history"><h2 id="history">Ontwikkeling over alle perioden</h2>
<figure>${historyChart(points, 'chart')}
<figcaption><span class="legend"><span>${lineSample('coverage')} ${T.coverage} (doorgetrokken lijn, rondjes)</span><span>${lineSample('profile')} ${T.profileShare} (gestreepte lijn, vierkantjes)</span>${changeLegend}</span>Aandeel van het doelgroepregister dat bekend is binnen Sonar, en aandeel van de doelgroep in Sonar met een profiel.${changeLines}</figcaption></figure>
<details><summary>De cijfers bij de grafiek</summary>${scrollTable('cap-history', html`${T.coverage} en ${T.profileShare.toLowerCase()} per periode`, html`
<thead><tr><th scope="col">Periode</th><th scope="col" class="n">${T.total}</th><th scope="col" class="n">${T.registerTotal}</th><th scope="col" class="n">${T.coverage}</th><th scope="col" class="n">${T.profileShare}</th></tr></thead>
<tbody>${points.map((p) => html`<tr><th scope="row">${dutchMonth(p.period)}</th><td class="n">${n(p.totals.total)}</td><td class="n">${p.totals.registerTotal === null ? '–' : n(p.totals.registerTotal)}</td><td class="n">${pct(p.totals.coveragePercent)}</td><td class="n">${pct(p.totals.profileSharePercent)}</td></tr>`)}</tbody>`)}</details></section>`;
}

/** Every region of the map with what the national table of the period says of it (none: no figures anywhere). */
export function mapRegions(regions: readonly RegionRef[], table?: NationalTable): MapRegion[] {
  const rows = new Map((table?.rows ?? []).map((r) => [r.region.code, r]));
  return regions.map((r) => ({ code: r.code, name: r.name, hasFigures: rows.has(r.code), coveragePercent: rows.get(r.code)?.totals.coveragePercent ?? null }));
}

function mapSection(map: MapRegion[], period: string | undefined, outlined: RegionRef | undefined): Html {
  const heading = outlined ? `Waar ${outlined.name} ligt` : 'Kaart van de regio\'s';
  return html`<section aria-labelledby="map"><h2 id="map">${heading}</h2>
${regionMap(map, { period: period === undefined ? 'nog zonder cijfers' : dutchMonth(period), outlined: outlined?.code })}
</section>`;
}

/** A region's page: the publication's table and sentences, the map, the chart over all periods, changes, downloads. */
export function regionPage(table: PublicationTable, points: RegionHistoryPoint[], map: MapRegion[], settings: CatalogueSettings): string {
  const { region, period } = table;
  const q = `period=${period}`;
  const tableApi = `${API}/regions/${region.code}/table?${q}`;
  const links: Array<[string, string]> = [
    ['Tabel als TSV (om te plakken)', `${tableApi}&format=tsv`],
    ['Tabel als Excel (xlsx)', `${tableApi}&format=xlsx`],
    ['Tabel als CSV', `${tableApi}&format=csv`],
    ['Gemeenten als CSV voor Excel (puntkomma)', `${API}/regions/${region.code}/gemeenten?${q}&format=csv&delimiter=semicolon`],
  ];
  const data = schemaDataset(settings, {
    name: `Transparantie van klantprofielen: ${region.name}, ${dutchMonth(period)}`,
    description: `Doelgroep banenafspraken in Sonar per gemeente van de arbeidsmarktregio ${region.name}, met en zonder klantprofiel, en het aandeel van het doelgroepregister dat bekend is binnen Sonar.`,
    path: `/rapport/${region.code}?${q}`,
    periods: points.map((p) => p.period),
    place: `Arbeidsmarktregio ${region.name}`,
    downloads: links,
  });
  return page(`${region.name}, ${dutchMonth(period)} — Transparantie van klantprofielen`, html`<header>
<p><a href="/rapport?${q}">Alle regio's</a></p>
<h1>Transparantie van klantprofielen: ${region.name}</h1>
<p>Arbeidsmarktregio ${region.name} (${region.code}), ${dutchMonth(period)}</p>
${periodNav(points.map((p) => p.period), period, (p) => `/rapport/${region.code}?period=${p}`)}
</header>
<main>
<section aria-labelledby="table"><h2 id="table">Doelgroep banenafspraken in Sonar</h2>
${scrollTable('cap-region', html`${table.label}, ${dutchMonth(period)}`, html`
<thead><tr><th scope="col" rowspan="2">${T.region}</th><th scope="col" rowspan="2">${T.gemeente}</th>${countHead}<th scope="col" rowspan="2">${T.total}</th></tr>
<tr>${countSubhead}</tr></thead>
<tbody>${table.rows.map((row, i) => html`<tr><td>${i === 0 ? table.label : ''}</td><th scope="row">${row.name}</th>${countCells(row)}</tr>`)}</tbody>
<tfoot><tr><td></td><th scope="row">${T.totalRow}</th>${countCells(table.totals)}</tr></tfoot>
`)}
<div class="sentences">${sentences(`de arbeidsmarktregio ${region.name}`, table.totals).map((s) => html`<p>${s}</p>`)}</div>
</section>
${mapSection(map, period, region)}
${historySection(points)}
${changes(points, period)}
${downloads(links)}
</main>`, data);
}

/** The page of a region that has no figures yet: it says so, and the map shows where the region lies. */
export function emptyRegionPage(region: RegionRef, map: MapRegion[], period: string | undefined): string {
  return page(`${region.name} — Transparantie van klantprofielen`, html`<header>
<p><a href="/rapport">Alle regio's</a></p>
<h1>Transparantie van klantprofielen: ${region.name}</h1>
<p>Arbeidsmarktregio ${region.name} (${region.code})</p>
</header>
<main>
<section aria-labelledby="none"><h2 id="none">Nog geen cijfers</h2>
<p>Voor de arbeidsmarktregio ${region.name} zijn nog geen cijfers aangeleverd.</p></section>
${mapSection(map, period, region)}
</main>`);
}

function rankingRow(r: NationalTableRow, place: number, q: string): Html {
  return html`<tr><td class="n">${place}</td><th scope="row"><a href="/rapport/${r.region.code}?${q}">${r.region.name}</a></th><td class="n">${pct(r.totals.coveragePercent)}</td><td>${shareBar(r.totals.coverage)}</td><td class="n">${n(r.totals.total)}</td><td class="n">${r.totals.registerTotal === null ? '–' : n(r.totals.registerTotal)}</td></tr>`;
}

/** A region without figures in the ranking: named, and said to have none, rather than left out. */
const noFiguresRow = (r: MapRegion): Html =>
  html`<tr class="no-figures"><td class="n">–</td><th scope="row"><a href="/rapport/${r.code}">${r.name}</a></th><td class="n">geen cijfers</td><td></td><td class="n">–</td><td class="n">–</td></tr>`;

/** The national overview: the map, every region ranked by coverage (those without figures named last), the national table. */
export function overviewPage(table: NationalTable | undefined, periods: string[], regions: readonly RegionRef[], settings: CatalogueSettings): string {
  const map = mapRegions(regions, table);
  const without = map.filter((r) => !r.hasFigures).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  if (!table) {
    return page('Nederland — Transparantie van klantprofielen', html`<header>
<h1>Transparantie van klantprofielen: Nederland</h1>
<p>Nog geen arbeidsmarktregio heeft cijfers.</p>
</header>
<main>
<section aria-labelledby="none"><h2 id="none">Nog geen cijfers</h2><p>Er zijn nog geen cijfers aangeleverd. Zodra een regio cijfers heeft, staan ze hier.</p></section>
${mapSection(map, undefined, undefined)}
</main>`);
  }
  const { period } = table;
  const q = `period=${period}`;
  const links: Array<[string, string]> = [
    ['Landelijke tabel als TSV', `${API}/table?${q}&format=tsv`],
    ['Landelijke tabel als Excel (xlsx)', `${API}/table?${q}&format=xlsx`],
    ['Landelijke tabel als CSV', `${API}/table?${q}&format=csv`],
    ['Bekendheid per regio als CSV voor Excel (puntkomma)', `${API}/coverage?${q}&format=csv&delimiter=semicolon`],
  ];
  const data = schemaDataset(settings, {
    name: `Transparantie van klantprofielen: Nederland, ${dutchMonth(period)}`,
    description: 'Doelgroep banenafspraken in Sonar per arbeidsmarktregio, met en zonder klantprofiel, en het aandeel van het doelgroepregister dat bekend is binnen Sonar.',
    path: `/rapport?${q}`,
    periods,
    place: 'Nederland',
    downloads: links,
  });
  const ranked = [...table.rows].sort((a, b) => (b.totals.coverage ?? -1) - (a.totals.coverage ?? -1) || a.region.name.localeCompare(b.region.name, 'nl'));
  return page(`Nederland, ${dutchMonth(period)} — Transparantie van klantprofielen`, html`<header>
<h1>Transparantie van klantprofielen: Nederland</h1>
<p>Alle arbeidsmarktregio's, ${dutchMonth(period)}: ${table.rows.length} met cijfers, ${without.length} zonder</p>
${periodNav(periods, period, (p) => `/rapport?period=${p}`)}
</header>
<main>
${mapSection(map, period, undefined)}
<section aria-labelledby="ranking"><h2 id="ranking">Regio's naar bekendheid binnen Sonar</h2>
${scrollTable('cap-ranking', html`${T.coverage}, hoogste eerst; regio's zonder cijfers onderaan`, html`
<thead><tr><th scope="col">Plaats</th><th scope="col">${T.region}</th><th scope="col" class="n">${T.coverage}</th><th scope="col"><span class="visually-hidden">Staaf</span></th><th scope="col" class="n">${T.total}</th><th scope="col" class="n">${T.registerTotal}</th></tr></thead>
<tbody>${ranked.map((r, i) => rankingRow(r, i + 1, q))}${without.map(noFiguresRow)}</tbody>
`)}</section>
<section aria-labelledby="table"><h2 id="table">TOTAAL per arbeidsmarktregio</h2>
${scrollTable('cap-national', html`Alle regio's met cijfers, ${dutchMonth(period)}`, html`
<thead><tr><th scope="col" rowspan="2">${T.region}</th>${countHead}<th scope="col" rowspan="2">${T.total}</th><th scope="col" rowspan="2">${T.registerTotal}</th><th scope="col" rowspan="2">${T.coverage}</th></tr>
<tr>${countSubhead}</tr></thead>
<tbody>${table.rows.map((r) => html`<tr><th scope="row">${r.label}</th>${countCells(r.totals)}<td class="n">${r.totals.registerTotal === null ? '–' : n(r.totals.registerTotal)}</td><td class="n">${pct(r.totals.coveragePercent)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">TOTAAL</th>${countCells(table.totals)}<td class="n">${table.totals.registerTotal === null ? '–' : n(table.totals.registerTotal)}</td><td class="n">${pct(table.totals.coveragePercent)}</td></tr></tfoot>
`)}
<div class="sentences">${sentences(`de ${table.rows.length === 1 ? 'arbeidsmarktregio' : `${table.rows.length} arbeidsmarktregio's`} met cijfers`, table.totals).map((s) => html`<p>${s}</p>`)}</div>
</section>
${downloads(links)}
</main>`, data);
}
