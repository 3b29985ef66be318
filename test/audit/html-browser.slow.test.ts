// The HTML report in a real headless Chromium (Debian's package, driven by playwright-core): it loads with no error
// and no request, its filters and sorting work, its pictures are drawn, a hostile key name stays text, it lays out
// at 1280 and 400 pixels, and axe finds no critical accessibility violation.
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ageBuckets } from '../../src/audit/html-charts.js';
import { browserAvailable, launchChromium } from '../helpers/browser.js';
import { hostileName, htmlReport } from './html-fixture.js';

const report = htmlReport();
const dir = mkdtempSync(join(tmpdir(), 'kw-html-browser-'));
const file = join(dir, 'review.html');
let browser: Browser;
let page: Page;
const consoleMessages: string[] = [];
const requests: string[] = [];

describe.runIf(browserAvailable())('audit -o html in Chromium', () => {
  beforeAll(async () => {
    writeFileSync(file, report.html);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => consoleMessages.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleMessages.push(`pageerror: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  }, 60_000);
  afterAll(async () => browser?.close());

  const visibleKeys = () =>
    page
      .locator('#findings tbody tr:not([hidden])')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key));
  const visibleCount = () => page.locator('#findings tbody tr:not([hidden])').count();

  test('loads with no console message and no request but the file itself', () => {
    expect(consoleMessages).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
  });

  test('the hostile key name is text on the page, and its script never ran', async () => {
    expect(await page.title()).toMatch(/^keywarden audit, /);
    expect(await page.locator('#findings td', { hasText: hostileName }).count()).toBeGreaterThan(0);
    expect(await page.locator('#findings img').count()).toBe(0);
  });

  test('filtering by severity and by text changes the rows shown, and says how many', async () => {
    const all = await visibleCount();
    expect(all).toBe(report.json.findings.length);
    await page.getByLabel('Severity').selectOption('high');
    const high = report.json.findings.filter((f) => (f as { severity?: string }).severity === 'high').length;
    expect(high).toBeGreaterThan(0);
    expect(await visibleCount()).toBe(high);
    expect(await page.locator('#shown').textContent()).toBe(`${high} of ${all} findings shown`);
    await page.getByLabel('Severity').selectOption('');
    await page.getByLabel('Text').fill('billing');
    const billing = report.json.findings.filter((f) => JSON.stringify(f).toLowerCase().includes('billing')).length;
    expect(await visibleCount()).toBe(billing);
    await page.getByLabel('Text').fill('');
    expect(await visibleCount()).toBe(all);
  });

  test('sorting by age orders the rows by age, both ways', async () => {
    const ages = async () =>
      (await page.locator('#findings tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.age)))
        .filter((age): age is string => age !== undefined && age !== '')
        .map(Number);
    const button = page.getByRole('button', { name: 'Age' });
    await button.click();
    const up = await ages();
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(await page.locator('th', { has: button }).getAttribute('aria-sort')).toBe('ascending');
    await button.click();
    const down = await ages();
    expect(down).toEqual([...up].sort((a, b) => b - a));
    expect(new Set(await visibleKeys()).size).toBeGreaterThan(1);
  });

  test('the histogram has one bar a bucket; the timeline is drawn', async () => {
    expect(await page.locator('#age-histogram rect.bar').count()).toBe(ageBuckets.length);
    expect(await page.locator('#expiry-timeline circle').count()).toBeGreaterThan(0);
  });

  test('screenshots at 1280 and at 400 pixels wide', async () => {
    const png = (buffer: Buffer) => ({ width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) });
    await page.reload({ waitUntil: 'load' });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({ width: 1280, height: 900 });
    const wide = await page.screenshot({ path: join(dir, 'report-1280.png') });
    expect(png(wide)).toEqual({ width: 1280, height: 900 });
    await page.setViewportSize({ width: 400, height: 900 });
    const narrow = await page.screenshot({ path: join(dir, 'report-400.png'), fullPage: true });
    expect(png(narrow).width).toBe(400);
    // nothing wider than the screen but the tables, which scroll in their own frame
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(400);
    expect(png(narrow).height).toBeGreaterThan(900);
    if (process.env.UPDATE_SCREENSHOTS) {
      const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
      mkdirSync(docs, { recursive: true });
      copyFileSync(join(dir, 'report-1280.png'), join(docs, 'audit-report.png'));
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('prints to PDF: every finding on paper, the filters left out', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await page.locator('#findings tbody tr:visible').count()).toBe(report.json.findings.length);
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
  });

  test('axe finds no critical or serious accessibility violation', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    // the page's policy allows its own script only: axe comes in through the test's own channel
    await page.evaluate(axe);
    const results = await page.evaluate(async () => {
      const run = (
        window as unknown as {
          axe: {
            run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string }[] }>;
          };
        }
      ).axe.run;
      const { violations } = await run(document, { preload: false });
      return violations.map((v) => `${v.impact}: ${v.id}`);
    });
    expect(results.filter((v) => v.startsWith('critical') || v.startsWith('serious'))).toEqual([]);
  });
});
