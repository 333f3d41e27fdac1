import { Counts, Summary } from '../domain/figures';
import { TABLE_HEADINGS as T } from '../domain/measures';
import { NationalTable, PublicationTable } from '../domain/publication-table';
import { formatDutchInteger as n } from '../tables/dutch-integer';
import { historyChart, RegionHistoryPoint, shareBar } from './chart';
import { dutchMonth, html, Html, signed } from './html';
import { REPORT_CSS } from './style';

const API = '/v1';
const pct = (v: number | null): string => (v === null ? '–' : `${v}%`);

function page(title: string, body: Html): string {
  return `<!DOCTYPE html>\n${html`<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(REPORT_CSS)}</style>
</head>
<body>
${body}
<footer><p>Transparantie van klantprofielen, uit de cijfers van de Sonar-transparantieservice. Gebiedsindeling: CBS, Gebieden in Nederland 2026 (CC BY 4.0) — Bron: CBS.</p></footer>
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
<table><thead><tr><th scope="col">Maat</th><th scope="col" class="n">${dutchMonth(now.period)}</th><th scope="col" class="n">${dutchMonth(before.period)}</th><th scope="col" class="n">Verschil</th></tr></thead><tbody>
${changeRow(T.total, a.total, b.total, n)}
${changeRow(T.registerTotal, a.registerTotal, b.registerTotal, n)}
${changeRow(T.coverage, a.coveragePercent, b.coveragePercent, String, '%')}
${changeRow(T.profileShare, a.profileSharePercent, b.profileSharePercent, String, '%')}
${changeRow(`${T.gemeenteClients}, ${T.withProfile}`, a.gemeenteClients.withProfile, b.gemeenteClients.withProfile, n)}
${changeRow(`${T.uwvClients}, ${T.withProfile}`, a.uwvClients.withProfile, b.uwvClients.withProfile, n)}
</tbody></table></section>`;
}

function historySection(points: RegionHistoryPoint[]): Html {
  return html`<section aria-labelledby="history"><h2 id="history">Ontwikkeling over alle perioden</h2>
<figure>${historyChart(points, 'chart')}
<figcaption><span class="legend"><span class="swatch-coverage">━ ${T.coverage}</span><span class="swatch-profile">━ ${T.profileShare}</span></span>Aandeel van het doelgroepregister dat bekend is binnen Sonar, en aandeel van de doelgroep in Sonar met een profiel.</figcaption></figure>
<details><summary>De cijfers bij de grafiek</summary><table><caption>${T.coverage} en ${T.profileShare.toLowerCase()} per periode</caption>
<thead><tr><th scope="col">Periode</th><th scope="col" class="n">${T.total}</th><th scope="col" class="n">${T.registerTotal}</th><th scope="col" class="n">${T.coverage}</th><th scope="col" class="n">${T.profileShare}</th></tr></thead>
<tbody>${points.map((p) => html`<tr><th scope="row">${dutchMonth(p.period)}</th><td class="n">${n(p.totals.total)}</td><td class="n">${p.totals.registerTotal === null ? '–' : n(p.totals.registerTotal)}</td><td class="n">${pct(p.totals.coveragePercent)}</td><td class="n">${pct(p.totals.profileSharePercent)}</td></tr>`)}</tbody></table></details></section>`;
}

/** A region's page: the publication's table and sentences, the chart over all periods, changes, downloads. */
export function regionPage(table: PublicationTable, points: RegionHistoryPoint[]): string {
  const { region, period } = table;
  const q = `period=${period}`;
  const tableApi = `${API}/regions/${region.code}/table?${q}`;
  return page(`${region.name}, ${dutchMonth(period)} — Transparantie van klantprofielen`, html`<header>
<p><a href="/rapport?${q}">Alle regio's</a></p>
<h1>Transparantie van klantprofielen: ${region.name}</h1>
<p>Arbeidsmarktregio ${region.name} (${region.code}), ${dutchMonth(period)}</p>
${periodNav(points.map((p) => p.period), period, (p) => `/rapport/${region.code}?period=${p}`)}
</header>
<main>
<section aria-labelledby="table"><h2 id="table">Doelgroep banenafspraken in Sonar</h2>
<table><caption>${table.label}, ${dutchMonth(period)}</caption>
<thead><tr><th scope="col" rowspan="2">${T.region}</th><th scope="col" rowspan="2">${T.gemeente}</th>${countHead}<th scope="col" rowspan="2">${T.total}</th></tr>
<tr>${countSubhead}</tr></thead>
<tbody>${table.rows.map((row, i) => html`<tr><td>${i === 0 ? table.label : ''}</td><th scope="row">${row.name}</th>${countCells(row)}</tr>`)}</tbody>
<tfoot><tr><td></td><th scope="row">${T.totalRow}</th>${countCells(table.totals)}</tr></tfoot>
</table>
<div class="sentences">${sentences(`de arbeidsmarktregio ${region.name}`, table.totals).map((s) => html`<p>${s}</p>`)}</div>
</section>
${historySection(points)}
${changes(points, period)}
${downloads([
    ['Tabel als TSV (om te plakken)', `${tableApi}&format=tsv`],
    ['Tabel als Excel (xlsx)', `${tableApi}&format=xlsx`],
    ['Tabel als CSV', `${tableApi}&format=csv`],
    ['Gemeenten als CSV voor Excel (puntkomma)', `${API}/regions/${region.code}/gemeenten?${q}&format=csv&delimiter=semicolon`],
  ])}
</main>`);
}

/** The national overview: every region's TOTAAL row, the country's sentences, and the regions ranked by coverage. */
export function overviewPage(table: NationalTable, periods: string[]): string {
  const { period } = table;
  const q = `period=${period}`;
  const ranked = [...table.rows].sort((a, b) => (b.totals.coverage ?? -1) - (a.totals.coverage ?? -1) || a.region.name.localeCompare(b.region.name, 'nl'));
  return page(`Nederland, ${dutchMonth(period)} — Transparantie van klantprofielen`, html`<header>
<h1>Transparantie van klantprofielen: Nederland</h1>
<p>Alle arbeidsmarktregio's met cijfers, ${dutchMonth(period)}</p>
${periodNav(periods, period, (p) => `/rapport?period=${p}`)}
</header>
<main>
<section aria-labelledby="ranking"><h2 id="ranking">Regio's naar bekendheid binnen Sonar</h2>
<table><caption>${T.coverage}, hoogste eerst</caption>
<thead><tr><th scope="col">Plaats</th><th scope="col">${T.region}</th><th scope="col" class="n">${T.coverage}</th><th scope="col"><span class="visually-hidden">Staaf</span></th><th scope="col" class="n">${T.total}</th><th scope="col" class="n">${T.registerTotal}</th></tr></thead>
<tbody>${ranked.map((r, i) => html`<tr><td class="n">${i + 1}</td><th scope="row"><a href="/rapport/${r.region.code}?${q}">${r.region.name}</a></th><td class="n">${pct(r.totals.coveragePercent)}</td><td>${shareBar(r.totals.coverage)}</td><td class="n">${n(r.totals.total)}</td><td class="n">${r.totals.registerTotal === null ? '–' : n(r.totals.registerTotal)}</td></tr>`)}</tbody>
</table></section>
<section aria-labelledby="table"><h2 id="table">TOTAAL per arbeidsmarktregio</h2>
<table><caption>Alle regio's, ${dutchMonth(period)}</caption>
<thead><tr><th scope="col" rowspan="2">${T.region}</th>${countHead}<th scope="col" rowspan="2">${T.total}</th><th scope="col" rowspan="2">${T.registerTotal}</th><th scope="col" rowspan="2">${T.coverage}</th></tr>
<tr>${countSubhead}</tr></thead>
<tbody>${table.rows.map((r) => html`<tr><th scope="row">${r.label}</th>${countCells(r.totals)}<td class="n">${r.totals.registerTotal === null ? '–' : n(r.totals.registerTotal)}</td><td class="n">${pct(r.totals.coveragePercent)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">TOTAAL</th>${countCells(table.totals)}<td class="n">${table.totals.registerTotal === null ? '–' : n(table.totals.registerTotal)}</td><td class="n">${pct(table.totals.coveragePercent)}</td></tr></tfoot>
</table>
<div class="sentences">${sentences(`de ${table.rows.length === 1 ? 'arbeidsmarktregio' : `${table.rows.length} arbeidsmarktregio's`} met cijfers`, table.totals).map((s) => html`<p>${s}</p>`)}</div>
</section>
${downloads([
    ['Landelijke tabel als TSV', `${API}/table?${q}&format=tsv`],
    ['Landelijke tabel als Excel (xlsx)', `${API}/table?${q}&format=xlsx`],
    ['Landelijke tabel als CSV', `${API}/table?${q}&format=csv`],
    ['Bekendheid per regio als CSV voor Excel (puntkomma)', `${API}/coverage?${q}&format=csv&delimiter=semicolon`],
  ])}
</main>`);
}
