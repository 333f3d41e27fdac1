/// <reference lib="dom" />
/**
 * WCAG 2.1 A and AA on every kind of report page, in headless Chromium: axe-core's rules for those levels find
 * nothing, the Tab key reaches every link and control with a visible focus, the page needs no sideways
 * scrolling at 640 px (1280 px at 200 %), nothing loads from outside and the console stays empty.
 * axe-core is evaluated through the DevTools protocol, which the page's CSP (no script at all) does not govern;
 * the page itself still runs no script.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { Chromium, launchChromium, watch } from '../support/browser';
import { liveAppUnderTest } from '../support/live-server';
import { seedHerindeling, seedReport } from '../support/report-seed';
import type { TestApp } from '../support/test-app';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Finding {
  rule: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

async function axeViolations(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, WCAG21_AA);
}

interface FocusStop {
  key: string | null;
  outline: string;
  visible: boolean;
}

/** Presses Tab until focus leaves the page, recording each element reached and whether its focus shows. */
async function tabThrough(page: Page): Promise<{ expected: string[]; reached: FocusStop[] }> {
  const expected = await page.evaluate(() => {
    const all = Array.from(document.querySelectorAll<HTMLElement>('a[href], summary, button, input, select, textarea, [tabindex]'))
      .filter((el) => el.tabIndex >= 0 && el.checkVisibility()); // not what a closed <details> hides
    return all.map((el, i) => {
      el.dataset.focusKey = String(i);
      return `${i} ${el.tagName.toLowerCase()} ${el.textContent?.trim().slice(0, 40)}`;
    });
  });
  const reached: FocusStop[] = [];
  for (let i = 0; i < expected.length + 3; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outline = `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`;
      const visible = el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      return { key: el.dataset.focusKey ?? null, outline, visible };
    });
    if (!stop) break;
    if (reached.some((r) => r.key === stop.key)) break;
    reached.push(stop);
  }
  return { expected, reached };
}

function describeVariants(title: string, seeded: boolean | ((t: TestApp) => Promise<unknown>), variants: Array<[string, string, number?]>): void {
  describe(title, () => {
    const live = liveAppUnderTest();
    let chromium: Chromium;
    let browser: BrowserContext;
    beforeAll(async () => {
      if (seeded) await (seeded === true ? seedReport : seeded)(live.t());
      chromium = await launchChromium({ width: 1100, height: 900 });
      browser = chromium.context;
    }, 60_000);
    afterAll(async () => {
      await chromium?.close();
    });

    test.each(variants)('When %s (%s) is checked with axe-core, then it has 0 WCAG 2.1 A/AA violations, every link is reached by Tab with a visible focus, it fits 640 px, and nothing loads from outside', async (_what, url, status = 200) => {
      const page = await browser.newPage();
      const trouble = watch(page, live.base());
      try {
        const response = await page.goto(`${live.base()}${url}`, { waitUntil: 'load' });
        const violations = await axeViolations(page);
        const { expected, reached } = await tabThrough(page);
        await page.setViewportSize({ width: 640, height: 900 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        const lang = await page.locator('html').getAttribute('lang');

        expect(response?.status()).toBe(status);
        expect(violations).toEqual([]);
        expect(expected.length).toBeGreaterThan(0);
        expect(reached.map((r) => r.key)).toEqual(expected.map((_, i) => String(i)));
        expect(reached.filter((r) => !r.visible)).toEqual([]);
        expect(overflow).toBeLessThanOrEqual(0);
        expect(lang).toBe('nl');
        // Chromium logs a page's own 404 status on its console; nothing else may appear there.
        const ownStatus = status === 200 ? [] : [`error: Failed to load resource: the server responded with a status of ${status} (Not Found)`];
        expect(trouble).toEqual({ console: ownStatus, failedRequests: [], errors: [], outside: [] });
      } finally {
        await page.close();
      }
    });
  });
}

describeVariants('The report pages without any figures', false, [
  ['the overview without figures', '/rapport'],
  ['a region page without figures', '/rapport/Twente'],
  ['the accessibility statement', '/rapport/toegankelijkheid'],
  ['the page for an unknown region', '/rapport/Atlantis', 404],
]);

describeVariants('The report pages with figures in several periods', true, [
  ['the overview of the latest period', '/rapport'],
  ['the overview of June 2026', '/rapport?period=2026-06'],
  ['the overview of a period with one region', '/rapport?period=2025-06'],
  ['a region with five periods', '/rapport/Twente?period=2026-06'],
  ['a region in its first period', '/rapport/AM05?period=2025-06'],
  ['a region with one period', '/rapport/AM01'],
  ['a region without figures among others with figures', '/rapport/AM38'],
]);

describeVariants('The report page of a region with a herindeling inside its series', seedHerindeling, [
  ['a region whose gemeenten changed between two periods', '/rapport/AM35'],
]);
