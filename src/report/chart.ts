import { Summary } from '../domain/figures';
import { dutchMonth, html, Html, shortMonth } from './html';

/** One period of a region's series, as the report draws and compares it. */
export interface RegionHistoryPoint {
  period: string;
  totals: Summary;
  /** What a herindeling changed in the region since the point before (the series' classificationChange). */
  classificationChange?: string;
}

const W = 640;
const H = 240;
const LEFT = 44;
const RIGHT = 28;
const TOP = 12;
const BOTTOM = 36;
const COVERAGE = '#154273';
const PROFILE = '#b35c00';
const HERINDELING = '#555555';

const percentText = (v: number | null): string => (v === null ? 'onbekend' : `${v}%`);

/** The points after which the region's gemeenten changed by a herindeling, with the period before each. */
export function herindelingen(points: RegionHistoryPoint[]): Array<{ index: number; before: string; period: string; change: string }> {
  return points.flatMap((p, i) => (i > 0 && p.classificationChange ? [{ index: i, before: points[i - 1].period, period: p.period, change: p.classificationChange }] : []));
}

/** Where a herindeling falls, in words: between the two periods it separates. */
export const herindelingText = (h: { before: string; period: string }): string => `Herindeling tussen ${dutchMonth(h.before)} en ${dutchMonth(h.period)}`;

/** The chart in words, for screen readers and for anyone who cannot see it. */
function describe(points: RegionHistoryPoint[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (points.length === 1) {
    return `Eén periode, ${dutchMonth(last.period)}: bekend binnen Sonar ${percentText(last.totals.coveragePercent)}, met profiel in Sonar ${percentText(last.totals.profileSharePercent)}.`;
  }
  const changes = herindelingen(points).map((h) => ` ${herindelingText(h)} (verticale stippellijn): de regio had daarna andere gemeenten.`).join('');
  return `${points.length} perioden, van ${dutchMonth(first.period)} tot ${dutchMonth(last.period)}. `
    + `Bekend binnen Sonar: van ${percentText(first.totals.coveragePercent)} naar ${percentText(last.totals.coveragePercent)}. `
    + `Met profiel in Sonar: van ${percentText(first.totals.profileSharePercent)} naar ${percentText(last.totals.profileSharePercent)}.${changes}`;
}

/** Coverage and profile share of every period as two lines on 0–100%, drawn inline: the page loads nothing. */
export function historyChart(points: RegionHistoryPoint[], id: string): Html {
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const x = (i: number) => LEFT + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (ratio: number) => TOP + plotH - Math.min(Math.max(ratio, 0), 1) * plotH;
  // The lines differ in dash and marker as well as colour, so that they can be told apart in greyscale too.
  const line = (pick: (p: RegionHistoryPoint) => number | null, colour: string, dashed: boolean) => {
    const at = points.map((p, i) => [i, pick(p)] as const).filter((a): a is readonly [number, number] => a[1] !== null);
    const marker = (cx: number, cy: number) => (dashed
      ? html`<rect x="${(cx - 3.5).toFixed(1)}" y="${(cy - 3.5).toFixed(1)}" width="7" height="7" fill="${colour}"/>`
      : html`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="3.5" fill="${colour}"/>`);
    return html`<polyline fill="none" stroke="${colour}" stroke-width="2.5"${dashed ? new Html(' stroke-dasharray="7 4"') : ''} points="${at.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>${at.map(([i, v]) => marker(x(i), y(v)))}`;
  };
  const grid = [0, 0.25, 0.5, 0.75, 1].map((g) => html`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(g)}" y2="${y(g)}" stroke="#dddddd"/><text x="${LEFT - 6}" y="${y(g) + 4}" text-anchor="end">${g * 100}%</text>`);
  const every = Math.max(1, Math.ceil(points.length / 10));
  const labels = points.map((p, i) => (i % every === 0 || i === points.length - 1
    ? html`<text x="${x(i).toFixed(1)}" y="${H - BOTTOM + 16}" text-anchor="middle">${shortMonth(p.period)}</text>` : ''));
  // A herindeling falls between two points: a dotted vertical line midway, told in the desc and under the chart.
  const changes = herindelingen(points).map(({ index }) => {
    const at = ((x(index - 1) + x(index)) / 2).toFixed(1);
    return html`<line class="herindeling" x1="${at}" x2="${at}" y1="${TOP}" y2="${H - BOTTOM}" stroke="${HERINDELING}" stroke-width="1.5" stroke-dasharray="2 3"/>`;
  });
  return html`<svg class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${W} ${H}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">Bekend binnen Sonar en met profiel in Sonar per periode</title>
<desc id="${id}-desc">${describe(points)}</desc>
${grid}${labels}${changes}${line((p) => p.totals.coverage, COVERAGE, false)}${line((p) => p.totals.profileShare, PROFILE, true)}
</svg>`;
}

/** The legend's sample of a line: solid with circles for coverage, dashed with squares for profile share. */
export function lineSample(which: 'coverage' | 'profile'): Html {
  const colour = which === 'coverage' ? COVERAGE : PROFILE;
  const dashed = which === 'profile';
  return html`<svg class="sample" viewBox="0 0 36 10" width="36" height="10" aria-hidden="true" focusable="false"><line x1="0" y1="5" x2="36" y2="5" stroke="${colour}" stroke-width="2.5"${dashed ? new Html(' stroke-dasharray="7 4"') : ''}/>${dashed ? html`<rect x="14.5" y="1.5" width="7" height="7" fill="${colour}"/>` : html`<circle cx="18" cy="5" r="3.5" fill="${colour}"/>`}</svg>`;
}

/** The legend's sample of a herindeling: a dotted vertical line. */
export function herindelingSample(): Html {
  return html`<svg class="sample" viewBox="0 0 36 10" width="36" height="10" aria-hidden="true" focusable="false"><line x1="18" y1="0" x2="18" y2="10" stroke="${HERINDELING}" stroke-width="1.5" stroke-dasharray="2 3"/></svg>`;
}

/** A horizontal bar for a share, with the percentage beside it in text. */
export function shareBar(ratio: number | null): Html {
  const width = ratio === null ? 0 : Math.round(Math.min(Math.max(ratio, 0), 1) * 100);
  return html`<svg class="bar" viewBox="0 0 100 10" width="160" height="12" aria-hidden="true" focusable="false"><rect width="100" height="10" fill="#e6e9ee"/><rect width="${width}" height="10" fill="${COVERAGE}"/></svg>`;
}
