/**
 * The report in a real browser: headless Chromium driven by playwright-core, as the Swagger UI test. It opens
 * the region report and the overview, reads the figures as a person sees them, proves that nothing is loaded
 * from anywhere but the service and that the console stays empty, and saves a screenshot of each page
 * and a PDF as printed (in SCREENSHOT_DIR, else a temporary folder removed afterwards; docs/screenshots holds
 * the screenshots the README shows).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { Chromium, launchChromium, PageTrouble, watch } from '../support/browser';
import { liveAppUnderTest } from '../support/live-server';
import { seedReport } from '../support/report-seed';

describe('The report in a browser', () => {
  const live = liveAppUnderTest();
  let chromium: Chromium;
  let browser: BrowserContext;
  const keep = process.env.SCREENSHOT_DIR !== undefined;
  const screenshots = process.env.SCREENSHOT_DIR ?? mkdtempSync(path.join(tmpdir(), 'sonar-screenshots-'));
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await seedReport(live.t());
    chromium = await launchChromium({ width: 1100, height: 900 });
    browser = chromium.context;
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
    if (!keep) rmSync(screenshots, { recursive: true, force: true });
  });

  async function open(url: string, screenshot?: string): Promise<{ page: Page; trouble: PageTrouble }> {
    const page = await browser.newPage();
    const trouble = watch(page, live.base());
    await page.goto(`${live.base()}${url}`, { waitUntil: 'load' });
    if (screenshot) await page.screenshot({ path: path.join(screenshots, screenshot), fullPage: true });
    return { page, trouble };
  }

  test('When the Twente report is opened, then it shows 7.898, 10.371 and 76%, the chart has a text alternative, nothing loads from outside and the console is empty', async () => {
    const { page, trouble } = await open('/rapport/Twente?period=2026-06', 'rapport-twente.png');
    try {
      const totaal = await page.getByRole('row', { name: /TOTAAL AMR/ }).innerText();
      const sentences = await page.locator('.sentences').innerText();
      const chart = page.getByRole('img', { name: 'Bekend binnen Sonar en met profiel in Sonar per periode' });
      const lang = await page.locator('html').getAttribute('lang');
      const downloads = await page.locator('.downloads a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));

      expect(totaal.trim().split(/\s+/)).toEqual(['TOTAAL', 'AMR', '38', '1.216', '3.476', '3.168', '7.898']);
      expect(sentences).toContain('in totaal 10.371 personen');
      expect(sentences).toContain('Hiermee is 76% van de doelgroepen bekend binnen Sonar.');
      expect(await chart.count()).toBe(1);
      expect(await chart.locator('desc').textContent()).toContain('5 perioden, van juni 2025 tot juni 2026');
      expect(lang).toBe('nl');
      expect(downloads.some((href) => href.endsWith('format=xlsx'))).toBe(true);
      expect(trouble).toEqual({ console: [], failedRequests: [], errors: [], outside: [] });
    } finally {
      await page.close();
    }
  });

  test('When the Twente report is printed, then navigation and downloads are left out, the table and chart stay, and Chromium makes an A4 PDF of it', async () => {
    const { page, trouble } = await open('/rapport/Twente?period=2026-06');
    try {
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ path: path.join(screenshots, 'rapport-twente.pdf'), preferCSSPageSize: true });

      expect(await page.locator('nav').isVisible()).toBe(false);
      expect(await page.locator('.downloads').isVisible()).toBe(false);
      expect(await page.getByRole('row', { name: /TOTAAL AMR/ }).isVisible()).toBe(true);
      expect(await page.locator('svg.chart').isVisible()).toBe(true);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 59[45]\.[0-9]+ 841\.[0-9]+\]/); // A4, 595 × 842 points
      expect(trouble).toEqual({ console: [], failedRequests: [], errors: [], outside: [] });
    } finally {
      await page.close();
    }
  });

  test('When the overview is opened, then Twente shows 7.898, 10.371 and 76% among the ranked regions, each with a bar, the 27 regions without figures are listed as such, and nothing loads from outside', async () => {
    const { page, trouble } = await open('/rapport?period=2026-06', 'rapport-overzicht.png');
    try {
      const twente = await page.locator('#table').locator('xpath=..').getByRole('row', { name: /28 Twente/ }).innerText();
      const ranked = await page.locator('section[aria-labelledby="ranking"] tbody tr:not(.no-figures)').count();
      const without = await page.locator('section[aria-labelledby="ranking"] tbody tr.no-figures').allInnerTexts();
      const bars = await page.locator('section[aria-labelledby="ranking"] svg.bar').count();

      expect(twente.trim().split(/\s+/)).toEqual(['28', 'Twente', '38', '1.216', '3.476', '3.168', '7.898', '10.371', '76%']);
      expect(ranked).toBe(8);
      expect(bars).toBe(8);
      expect(without).toHaveLength(27);
      expect(without.every((row) => row.includes('geen cijfers'))).toBe(true);
      expect(trouble).toEqual({ console: [], failedRequests: [], errors: [], outside: [] });
    } finally {
      await page.close();
    }
  });

  /** Each drawn region: its code, whether it has figures, its fill and the words of its title. */
  const drawnRegions = (page: Page) => page.locator('svg.map-svg path.region').evaluateAll((paths) => paths.map((p) => ({
    code: p.getAttribute('data-region') ?? '',
    figures: p.getAttribute('data-figures'),
    fill: p.getAttribute('fill'),
    title: p.querySelector('title')?.textContent ?? '',
    outlined: p.classList.contains('outlined'),
  })));

  test('When the overview is opened, then the map draws each of the 35 regions exactly once with its code and the coverage the reads give, and hatches those without figures, named in the legend', async () => {
    const { page, trouble } = await open('/rapport?period=2026-06');
    try {
      const drawn = await drawnRegions(page);
      const coverage = (await live.t().http().get('/v1/coverage?period=2026-06').expect(200)).body as { regions: Array<{ region: { code: string; name: string }; coveragePercent: number | null }>; missing: Array<{ code: string; name: string }> };
      const legend = await page.locator('.map-legend').innerText();
      const mapName = await page.getByRole('img', { name: 'Kaart: bekend binnen Sonar per arbeidsmarktregio' }).count();

      const codes = live.t().service.reference.regions.map((r) => r.code).sort();
      expect(drawn.map((d) => d.code).sort()).toEqual(codes);
      expect(new Set(drawn.map((d) => d.code)).size).toBe(35);
      for (const r of coverage.regions) {
        const region = drawn.find((d) => d.code === r.region.code);
        expect(region).toMatchObject({ figures: 'ja', title: `${r.region.name} (${r.region.code}): ${r.coveragePercent}% bekend binnen Sonar` });
        expect(region?.fill).toMatch(/^#[0-9a-f]{6}$/);
      }
      expect(coverage.missing).toHaveLength(27);
      for (const m of coverage.missing) {
        expect(drawn.find((d) => d.code === m.code)).toMatchObject({ figures: 'nee', fill: 'url(#map-geen-cijfers)', title: `${m.name} (${m.code}): geen cijfers` });
        expect(legend).toContain(m.name);
      }
      expect(drawn.find((d) => d.code === 'AM05')?.title).toBe('Twente (AM05): 76% bekend binnen Sonar');
      expect(legend).toContain('geen cijfers:');
      expect(drawn.some((d) => d.outlined)).toBe(false);
      expect(mapName).toBe(1);
      expect(trouble).toEqual({ console: [], failedRequests: [], errors: [], outside: [] });
    } finally {
      await page.close();
    }
  });

  test('When the Twente report is opened, then the same map outlines Twente alone, drawn once and last, and the map stays in print', async () => {
    const { page, trouble } = await open('/rapport/Twente?period=2026-06');
    try {
      const drawn = await drawnRegions(page);
      await page.emulateMedia({ media: 'print' });
      const printed = await page.locator('svg.map-svg').isVisible();

      expect(drawn).toHaveLength(35);
      expect(drawn.filter((d) => d.outlined).map((d) => d.code)).toEqual(['AM05']);
      expect(drawn[drawn.length - 1]).toMatchObject({ code: 'AM05', title: 'Twente (AM05): 76% bekend binnen Sonar' });
      expect(await page.locator('#map-desc').textContent()).toContain('Twente is dik omlijnd: 76% bekend binnen Sonar.');
      expect(printed).toBe(true);
      expect(trouble).toEqual({ console: [], failedRequests: [], errors: [], outside: [] });
    } finally {
      await page.close();
    }
  });
});
