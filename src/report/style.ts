import { createHash } from 'node:crypto';

/**
 * The report's only style sheet, inline, allowed by its hash in the Content-Security-Policy: the page loads
 * nothing, and no other style or script can run in it. Print gives the publication's page: A4, no
 * navigation, tables kept whole.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5a5a5a; --line: #c8c8c8; --accent: #154273; --accent2: #b35c00; }
* { box-sizing: border-box; }
body { overflow-wrap: break-word; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 1.5rem; line-height: 1.45; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 1rem; }
header p { margin: 0 0 .5rem; color: var(--muted); }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; color: var(--accent); }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .6rem; }
nav ul, .downloads ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: .4rem 1rem; }
a { color: var(--accent); }
.table-wrap { overflow-x: auto; margin: .5rem 0; }
a:focus-visible, summary:focus-visible, .table-wrap:focus-visible { outline: 3px solid #000000; outline-offset: 2px; box-shadow: 0 0 0 5px #ffdd00; border-radius: 1px; }
summary { cursor: pointer; color: var(--accent); }
code { font-size: .95em; }
a[aria-current="page"] { font-weight: 700; text-decoration: none; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin: .5rem 0; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; }
thead th { background: #eef2f7; font-weight: 600; vertical-align: bottom; }
td.n, th.n { text-align: right; }
tbody th { text-align: left; font-weight: 400; }
tfoot th, tfoot td { font-weight: 700; background: #f6f6f6; }
.sentences { font-size: 1.05rem; max-width: 42rem; }
figure { margin: .5rem 0; }
figcaption { color: var(--muted); font-size: .9rem; }
.chart text { font-size: 11px; fill: var(--ink); }
.bar { width: 12rem; }
figcaption .herindeling { display: block; margin-top: .3rem; color: var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1.5rem; font-size: .9rem; margin: .3rem 0; color: var(--ink); }
.sample, .swatch { vertical-align: middle; }
.map { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.map-svg { max-width: 100%; height: auto; flex: 0 1 25rem; }
.map figcaption { flex: 1 1 16rem; color: var(--ink); }
.map-legend { list-style: none; padding: 0; margin: .5rem 0; }
.map-legend li { margin: .25rem 0; }
.map .source { color: var(--muted); font-size: .85rem; }
.region { vector-effect: non-scaling-stroke; }
tr.no-figures td, tr.no-figures th { color: var(--muted); }
.up { color: #1d6b2f; }
.down { color: #a4262c; }
details { margin-top: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin-top: 2rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding-top: .5rem; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .downloads, details { display: none; }
  table, figure { break-inside: avoid; }
  .map-svg { width: 9cm; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  thead th, tfoot th, tfoot td { background: none; }
}
`;

export const REPORT_CSS_HASH = `'sha256-${createHash('sha256').update(REPORT_CSS).digest('base64')}'`;
