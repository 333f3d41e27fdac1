/** Swagger UI in a real browser: headless Chromium (see support/browser.ts). */
import type { BrowserContext, Page } from 'playwright-core';
import openapi from '../../src/generated/swagger.json';
import { Chromium, launchChromium } from '../support/browser';
import { liveAppUnderTest } from '../support/live-server';

/** What the page said on its console, failed to load, or threw: the first thing to read when the UI breaks. */
interface PageTrouble {
  console: string[];
  failedRequests: string[];
  errors: string[];
}

function watch(page: Page): PageTrouble {
  const trouble: PageTrouble = { console: [], failedRequests: [], errors: [] };
  page.on('console', (m) => trouble.console.push(`${m.type()}: ${m.text()}`));
  page.on('requestfailed', (r) => trouble.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) trouble.failedRequests.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
  page.on('pageerror', (e) => trouble.errors.push(e.message));
  return trouble;
}

describe('Swagger UI in a browser', () => {
  const live = liveAppUnderTest();
  let chromium: Chromium;
  let browser: BrowserContext;
  beforeAll(async () => {
    chromium = await launchChromium();
    browser = chromium.context;
  }, 60_000);
  afterAll(async () => {
    await chromium?.close();
  });

  test('When GET /v1/regions is tried out in Swagger UI at /docs, then the response shown lists the 35 regions, Twente (AM05) among them', async () => {
    // Arrange
    const page = await browser.newPage();
    const trouble = watch(page);
    const seen = () => JSON.stringify(trouble, null, 2);

    try {
      // Act
      await page.goto(`${live.base()}/docs`, { waitUntil: 'load' });
      const operation = page.locator('#operations-Regions-ListRegions');
      await operation.waitFor({ timeout: 15_000 }).catch((e: Error) => { throw new Error(`Swagger UI did not show GET /v1/regions (${e.message}); the page said: ${seen()}`); });
      await operation.locator('.opblock-summary').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      await operation.getByRole('button', { name: 'Execute' }).click();
      const shown = operation.locator('.live-responses-table .response .highlight-code pre').first();
      await shown.waitFor({ timeout: 15_000 }).catch((e: Error) => { throw new Error(`no response was shown (${e.message}); the page said: ${seen()}`); });
      const status = (await operation.locator('.live-responses-table .response .response-col_status').first().innerText()).trim();
      const text = await shown.innerText();

      // Assert
      expect({ status, trouble }).toEqual({ status: '200', trouble: { console: [], failedRequests: [], errors: [] } });
      expect(text).toContain('Twente');
      expect(text).toContain('AM05');
      const body = JSON.parse(text) as { regions: Array<{ code: string; name: string }> };
      expect(body.regions).toHaveLength(35);
      expect(body.regions).toContainEqual(expect.objectContaining({ code: 'AM05', name: 'Twente' }));
    } finally {
      await page.close();
    }
  });

  test('When POST /v1/uploads is tried out in Swagger UI, then the body it offers is the Almelo row of 2026-06 with register 10371', async () => {
    const page = await browser.newPage();
    const trouble = watch(page);

    try {
      await page.goto(`${live.base()}/docs/`, { waitUntil: 'load' });
      const operation = page.locator('#operations-Uploads-CreateUpload');
      await operation.waitFor({ timeout: 15_000 }).catch((e: Error) => { throw new Error(`Swagger UI did not show POST /v1/uploads (${e.message}); the page said: ${JSON.stringify(trouble)}`); });
      await operation.locator('.opblock-summary').click();
      await operation.getByRole('button', { name: 'Try it out' }).click();
      const body = operation.locator('textarea.body-param__text');
      await body.waitFor({ timeout: 15_000 });
      const offered = JSON.parse(await body.inputValue()) as Record<string, unknown>;

      expect(offered).toEqual(openapi.components.schemas.UploadRequest.example);
      expect(offered).toEqual(expect.objectContaining({
        period: '2026-06', region: 'Twente', registerTotal: 10371,
        gemeenten: [{ gemeente: 'Almelo', gemeenteClients: { withProfile: 3, withoutProfile: 222 }, uwvClients: { withProfile: 491, withoutProfile: 502 }, total: 1218 }],
      }));
      expect(trouble.errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
