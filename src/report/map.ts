import { readFileSync } from 'node:fs';
import path from 'node:path';
import { geoMercator, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { DB_DIR } from '../paths';
import { html, Html } from './html';

/** What the map shows of one region: its coverage in the period, or nothing when it has no figures. */
export interface MapRegion {
  code: string;
  name: string;
  coveragePercent: number | null;
  hasFigures: boolean;
}

/**
 * The coverage classes, lightest to darkest. Each step is clearly lighter or darker than the next also in
 * greyscale print, and the label is always in the legend and in each region's title: never colour alone.
 */
export const MAP_CLASSES = [
  { label: 'minder dan 50%', below: 50, fill: '#deebf7' },
  { label: '50% tot 60%', below: 60, fill: '#8dbfe0' },
  { label: '60% tot 70%', below: 70, fill: '#4292c6' },
  { label: '70% tot 80%', below: 80, fill: '#2166ac' },
  { label: '80% of meer', below: Infinity, fill: '#08306b' },
] as const;

/** Regions with figures but without a register, whose coverage is unknown: dotted, a texture of its own. */
const UNKNOWN = { label: 'cijfers zonder doelgroepregister', fill: 'url(#map-zonder-register)' };
/** Regions without figures: white with grey hatching, which stays distinct from every class in greyscale. */
const NO_FIGURES = { label: 'geen cijfers', fill: 'url(#map-geen-cijfers)' };

const W = 400;
const H = 470;

interface Shape {
  code: string;
  d: string;
}

/** The CBS boundaries (db/geo, Bron: CBS), projected on first use and kept: every page draws the same 35 paths. */
let shapes: Shape[] | undefined;
function projectedShapes(): Shape[] {
  if (shapes) return shapes;
  const topology = JSON.parse(readFileSync(path.join(DB_DIR, 'geo', 'arbeidsmarktregio-2025.topojson'), 'utf8')) as Topology<{ arbeidsmarktregio_2025: GeometryCollection<{ statcode: string }> }>;
  const regions = feature(topology, topology.objects.arbeidsmarktregio_2025) as FeatureCollection<Geometry, { statcode: string }>;
  const projection = geoMercator().fitExtent([[4, 4], [W - 4, H - 4]], regions);
  const draw = geoPath(projection);
  // One decimal is far below a pixel and halves the page's size.
  const round = (d: string) => d.replace(/-?\d+\.\d+/g, (x) => String(Math.round(Number(x) * 10) / 10));
  shapes = regions.features.map((f: Feature<Geometry, { statcode: string }>) => ({ code: f.properties.statcode, d: round(draw(f) ?? '') }));
  return shapes;
}

/** The codes the map draws, in the order of the boundaries file. */
export const mapCodes = (): string[] => projectedShapes().map((s) => s.code);

function classOf(region: MapRegion): { label: string; fill: string } {
  if (!region.hasFigures) return NO_FIGURES;
  if (region.coveragePercent === null) return UNKNOWN;
  return MAP_CLASSES.find((c) => (region.coveragePercent as number) < c.below) ?? MAP_CLASSES[MAP_CLASSES.length - 1];
}

const figureText = (r: MapRegion): string =>
  !r.hasFigures ? 'geen cijfers' : r.coveragePercent === null ? 'bekend binnen Sonar onbekend (geen doelgroepregister)' : `${r.coveragePercent}% bekend binnen Sonar`;

const swatch = (fill: string) =>
  html`<svg class="swatch" viewBox="0 0 20 14" width="20" height="14" aria-hidden="true" focusable="false"><rect x="0.5" y="0.5" width="19" height="13" fill="${fill}" stroke="#1b1b1b"/></svg>`;

/**
 * The 35 regions coloured by coverage, as inline SVG: each region once, with a title giving its name and
 * figure; the outlined region (on its own page) is drawn last so that its border lies on top. The legend
 * names the classes and the regions without figures; the table on the page is the text alternative.
 */
export function regionMap(regions: readonly MapRegion[], options: { period: string; outlined?: string }): Html {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const drawn = [...projectedShapes()].sort((a, b) => Number(a.code === options.outlined) - Number(b.code === options.outlined));
  const withFigures = regions.filter((r) => r.hasFigures);
  const without = regions.filter((r) => !r.hasFigures).map((r) => r.name).sort((a, b) => a.localeCompare(b, 'nl'));
  const outlined = options.outlined ? byCode.get(options.outlined) : undefined;
  const summary = `Kaart van de 35 arbeidsmarktregio's, gekleurd naar bekend binnen Sonar, ${options.period}: ${withFigures.length} met cijfers, ${without.length} zonder.`
    + (outlined ? ` ${outlined.name} is dik omlijnd: ${figureText(outlined)}.` : '') + ' De cijfers staan ook in de tabel.';
  const used = new Set(regions.map((r) => classOf(r).label));
  const legend = [...MAP_CLASSES, UNKNOWN, NO_FIGURES].filter((c) => used.has(c.label));
  return html`<figure class="map">
<svg class="map-svg" role="img" aria-labelledby="map-title map-desc" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
<title id="map-title">Kaart: bekend binnen Sonar per arbeidsmarktregio</title>
<desc id="map-desc">${summary}</desc>
<defs><pattern id="map-geen-cijfers" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#6f6f6f" stroke-width="1.5"/></pattern><pattern id="map-zonder-register" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="1.2" fill="#1b1b1b"/></pattern></defs>
${drawn.map((s) => {
    const r = byCode.get(s.code) ?? { code: s.code, name: s.code, coveragePercent: null, hasFigures: false };
    const mark = s.code === options.outlined;
    return html`<path class="region${mark ? ' outlined' : ''}" data-region="${s.code}" data-figures="${r.hasFigures ? 'ja' : 'nee'}" fill="${classOf(r).fill}" stroke="${mark ? '#000000' : '#ffffff'}" stroke-width="${mark ? 3 : 0.6}" d="${s.d}"><title>${r.name} (${s.code}): ${figureText(r)}</title></path>`;
  })}
</svg>
<figcaption><p>Bekend binnen Sonar per arbeidsmarktregio, ${options.period}${outlined ? html`; ${outlined.name} is dik zwart omlijnd` : ''}.</p>
<ul class="map-legend">${legend.map((c) => html`<li>${swatch(c.fill)} ${c.label}${c === NO_FIGURES ? html`: ${without.join(', ')}` : ''}</li>`)}</ul>
<p class="source">Gebiedsindeling: CBS, arbeidsmarktregio's 2025 (CC BY 4.0) — Bron: CBS.</p></figcaption>
</figure>`;
}
