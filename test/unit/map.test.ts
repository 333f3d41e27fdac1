/** The map as drawn on the server: every region once, the outlined one last, and classes that stay apart in greyscale. */
import { MAP_CLASSES, mapCodes, MapRegion, regionMap } from '../../src/report/map';

/** Relative luminance (WCAG) of #rrggbb: what a greyscale print keeps of a colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const regions = (figures: Record<string, number | null>): MapRegion[] =>
  mapCodes().map((code) => ({ code, name: `Regio ${code}`, hasFigures: code in figures, coveragePercent: figures[code] ?? null }));

describe('The map of the regions', () => {
  test('When the coverage classes are printed in greyscale, then each is lighter than the next darker one by a contrast ratio of at least 1.5 (never colour alone)', () => {
    const light = MAP_CLASSES.map((c) => luminance(c.fill));

    const ratios = light.slice(1).map((l, i) => (light[i] + 0.05) / (l + 0.05));

    expect(ratios.filter((ratio) => ratio < 1.5)).toEqual([]);
  });

  test('When the map is drawn with one region outlined, then all 35 regions are drawn once, the outlined one last, each class and the regions without figures and without register textured as the legend says', () => {
    const svg = regionMap(regions({ AM05: 76, AM01: 45, AM18: null }), { period: 'juni 2026', outlined: 'AM05' }).text;

    const drawn = [...svg.matchAll(/<path class="region( outlined)?" data-region="(AM\d\d)" data-figures="(ja|nee)" fill="([^"]+)"/g)].map((m) => ({ outlined: m[1] !== undefined, code: m[2], figures: m[3], fill: m[4] }));

    expect(mapCodes()).toHaveLength(35);
    expect(drawn.map((d) => d.code).sort()).toEqual(mapCodes().sort());
    expect(drawn[drawn.length - 1]).toEqual({ outlined: true, code: 'AM05', figures: 'ja', fill: MAP_CLASSES[3].fill });
    expect(drawn.find((d) => d.code === 'AM01')?.fill).toBe(MAP_CLASSES[0].fill);
    expect(drawn.find((d) => d.code === 'AM18')?.fill).toBe('url(#map-zonder-register)');
    expect(drawn.filter((d) => d.figures === 'nee').every((d) => d.fill === 'url(#map-geen-cijfers)')).toBe(true);
    expect(drawn.filter((d) => d.figures === 'nee')).toHaveLength(32);
    expect(svg).toContain('<title>Regio AM05 (AM05): 76% bekend binnen Sonar</title>');
    expect(svg).toContain('cijfers zonder doelgroepregister');
    expect(svg).not.toMatch(/href="http|src=|url\((?!#)/);
  });
});
