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
import { buildUpload, twenteUpload } from '../support/factories';
import { Chromium, launchChromium } from '../support/browser';
import { liveAppUnderTest } from '../support/live-server';
import { TestApp, WRITER_KEY } from '../support/test-app';
import { TSV, twenteTsv } from '../tables/publication-files';

interface PageTrouble {
  console: string[];
  failedRequests: string[];
  errors: string[];
  /** Every request the page made that did not go to the service itself. */
  outside: string[];
}

function watch(page: Page, base: string): PageTrouble {
  const trouble: PageTrouble = { console: [], failedRequests: [], errors: [], outside: [] };
  page.on('console', (m) => trouble.console.push(`${m.type()}: ${m.text()}`));
  page.on('requestfailed', (r) => trouble.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${base}/`)) trouble.outside.push(r.url());
  });
  page.on('pageerror', (e) => trouble.errors.push(e.message));
  return trouble;
}

/** Some more regions and periods, so that the chart and the ranking show what they are for. */
async function seed(t: TestApp): Promise<void> {
  const post = (body: object) => t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body).expect(201);
  const history: Array<[string, number, number]> = [['2025-06', 0.58, 0.31], ['2025-09', 0.63, 0.35], ['2025-12', 0.68, 0.39], ['2026-03', 0.72, 0.42]];
  for (const [period, coverage, share] of history) {
    const upload = twenteUpload();
    const scale = (coverage * 10371) / 7898;
    upload.period = period;
    upload.gemeenten = upload.gemeenten.map((g) => {
      const uw = Math.round(g.uwvClients.withProfile * scale * (share / 0.4449));
      const gwo = Math.round(g.gemeenteClients.withoutProfile * scale);
      return { gemeente: g.gemeente, gemeenteClients: { withProfile: g.gemeenteClients.withProfile, withoutProfile: gwo }, uwvClients: { withProfile: uw, withoutProfile: Math.round(g.uwvClients.withoutProfile * scale) } };
    });
    await post(upload);
  }
  await t.http().post('/v1/uploads?period=2026-06&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv()).expect(201);
  const others = t.service.reference.regions.filter((r) => r.code !== 'AM05').slice(0, 7);
  for (const [i, region] of others.entries()) {
    const gemeenten = region.gemeenten.map((g, j) => ({
      gemeente: g.name,
      gemeenteClients: { withProfile: (i + j) % 4, withoutProfile: 40 + 13 * j + 7 * i },
      uwvClients: { withProfile: 120 + 17 * j + 11 * i, withoutProfile: 150 + 9 * j },
    }));
    const total = gemeenten.reduce((s, g) => s + g.gemeenteClients.withProfile + g.gemeenteClients.withoutProfile + g.uwvClients.withProfile + g.uwvClients.withoutProfile, 0);
    await post(buildUpload({ region: region.code, registerTotal: Math.round(total / (0.55 + 0.05 * i)), gemeenten }));
  }
}

describe('The report in a browser', () => {
  const live = liveAppUnderTest();
  let chromium: Chromium;
  let browser: BrowserContext;
  const keep = process.env.SCREENSHOT_DIR !== undefined;
  const screenshots = process.env.SCREENSHOT_DIR ?? mkdtempSync(path.join(tmpdir(), 'sonar-screenshots-'));
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    await seed(live.t());
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

  test('When the overview is opened, then Twente shows 7.898, 10.371 and 76% among the ranked regions, each with a bar, and nothing loads from outside', async () => {
    const { page, trouble } = await open('/rapport?period=2026-06', 'rapport-overzicht.png');
    try {
      const twente = await page.locator('#table').locator('xpath=..').getByRole('row', { name: /28 Twente/ }).innerText();
      const ranked = await page.locator('section[aria-labelledby="ranking"] tbody tr').count();
      const bars = await page.locator('section[aria-labelledby="ranking"] svg.bar').count();

      expect(twente.trim().split(/\s+/)).toEqual(['28', 'Twente', '38', '1.216', '3.476', '3.168', '7.898', '10.371', '76%']);
      expect(ranked).toBe(8);
      expect(bars).toBe(8);
      expect(trouble).toEqual({ console: [], failedRequests: [], errors: [], outside: [] });
    } finally {
      await page.close();
    }
  });
});
