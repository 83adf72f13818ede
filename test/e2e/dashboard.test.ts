/**
 * The dashboard in a real browser against the real gateway: log in, first run, demo data, overview,
 * explore (filter, drill down, request detail), budgets, forecast, CSV export, and the numbers shown
 * equal the API's. Saves a screenshot of each page to docs/screenshots/.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/index.js';
import { seedDemo } from '../../src/demo/seed.js';
import { startGateway, type Gateway } from '../../src/gateway/server.js';
import { formatUsd } from '../../web/src/lib/format.js';
import { CHROMIUM, ensureDashboardBuilt, launchChromium, screenshotPath } from './browser.js';

const TOKEN = 'e2e-token';
/** The chart's fixed plot margins (web/src/components/Chart.tsx GRID). */
const GRID = { left: 64, right: 16, top: 40, bottom: 28 };

interface DailyBody {
  days: { day: string; totalUsd: number }[];
}
interface BreakdownBody {
  rows: { key: string; requests: number; costUsd: number }[];
}

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) console.warn(`dashboard e2e skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(hasChromium || process.env.CI)('dashboard (browser, real gateway)', () => {
  let gateway: Gateway;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  /** The admin API as the test sees it (bearer token). */
  async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers } });
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return (await res.json()) as T;
  }
  const testId = (id: string) => page.getByTestId(id);
  const numberOf = async (id: string) => Number(await testId(id).getAttribute('data-value'));

  beforeAll(async () => {
    expect(hasChromium, `chromium is required in CI: ${CHROMIUM} is missing`).toBe(true);
    await ensureDashboardBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'burnrate-e2e-'));
    gateway = await startGateway({ config: ConfigSchema.parse({ port: 0, dataDir }), env: { BURNRATE_ADMIN_TOKEN: TOKEN } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a missing or wrong token gets 401 from the API and the login page, never data', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { cookie: 'burnrate_admin=wrong' }] as Record<string, string>[]) {
      const res = await fetch(`${gateway.url}/api/analytics/overview`, { headers });
      expect(res.status).toBe(401);
      expect(JSON.stringify(await res.json())).not.toContain('monthUsd');
    }
    const stranger = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await stranger.addCookies([{ name: 'burnrate_admin', value: 'wrong', url: gateway.url }]);
    const p = await stranger.newPage();
    const dataAnswers: string[] = [];
    p.on('response', (r) => {
      if (r.url().includes('/api/') && !r.url().endsWith('/api/login') && r.status() !== 401) dataAnswers.push(`${r.status()} ${r.url()}`);
    });
    for (const path of ['/', '/explore', '/budgets']) {
      await p.goto(`${gateway.url}${path}`);
      await p.getByTestId('login').waitFor();
    }
    await p.getByTestId('login-token').fill('not-the-token');
    await p.getByTestId('login-submit').click();
    await p.getByTestId('login-error').waitFor();
    expect(await p.getByTestId('overview').count()).toBe(0);
    expect(dataAnswers).toEqual([]);
    await stranger.clearCookies();
    await p.reload();
    await p.getByTestId('login').waitFor();
    await p.screenshot({ path: screenshotPath('login') });
    await stranger.close();
  });

  it('logs in; an empty ledger shows the first-run page, whose demo button sends a request', async () => {
    await page.goto(gateway.url);
    await testId('login-token').fill(TOKEN);
    await testId('login-submit').click();
    await testId('first-run').waitFor();
    expect(await testId('openai-base-url').textContent()).toBe(`${gateway.url}/v1`);
    expect(await testId('snippet').textContent()).toContain(`baseURL: '${gateway.url}/v1'`);
    await page.screenshot({ path: screenshotPath('first-run'), fullPage: true });
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'burnrate_admin')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate('JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie')).not.toContain(TOKEN);

    await testId('demo-request').click();
    await testId('overview').waitFor({ timeout: 10_000 });
  });

  it('after a month of demo traffic the overview shows charts and the API month spend', async () => {
    const seeded = await seedDemo(gateway, { days: 30 });
    expect(seeded.requests).toBeGreaterThan(100);
    await page.reload();
    await testId('overview').waitFor();
    for (const chart of ['daily-chart', 'projection-chart', 'interaction-chart']) {
      await expect.poll(async () => Number(await testId(chart).getAttribute('data-count')), { message: chart }).toBeGreaterThan(0);
      expect(await testId(chart).locator('canvas').count()).toBeGreaterThan(0);
    }
    const overview = await api<{ monthUsd: number; todayUsd: number }>('/api/analytics/overview');
    expect(await numberOf('stat-month')).toBe(overview.monthUsd);
    expect(await testId('stat-month').locator('.stat-value').textContent()).toBe(formatUsd(overview.monthUsd));
    expect(await numberOf('stat-today')).toBe(overview.todayUsd);
    await testId('stack-by-app').click();
    await expect.poll(async () => testId('stack-by-app').getAttribute('aria-pressed')).toBe('true');
  });

  it('explore: the breakdown equals the API for the same range, filters by app, sorts, exports CSV', async () => {
    await testId('nav-explore').click();
    await testId('breakdown-table-row').first().waitFor();
    await testId('group-by-app').click();
    const scope = async () => (await testId('explore').getAttribute('data-query'))!;
    await expect.poll(async () => (await testId('breakdown').locator('h2').textContent()) ?? '').toContain('by app');
    const byApp = await api<BreakdownBody>(`/api/analytics/breakdown?by=app&${await scope()}`);
    expect(byApp.rows.length).toBeGreaterThan(1);
    await expect.poll(() => testId('breakdown-table-row').count()).toBe(byApp.rows.length);
    const top = byApp.rows[0]!;
    const topRow = page.locator(`[data-testid="breakdown-table-row"][data-key="${top.key}"]`);
    expect(Number(await topRow.locator('td[data-col="costUsd"]').getAttribute('data-value'))).toBe(top.costUsd);
    expect(await topRow.locator('td[data-col="costUsd"]').textContent()).toBe(formatUsd(top.costUsd));
    expect(Number(await topRow.locator('td[data-col="requests"]').getAttribute('data-value'))).toBe(top.requests);

    // Sort by name, ascending: the first row is the alphabetically first app.
    await testId('breakdown-table-sort-key').click();
    const names = byApp.rows.map((r) => r.key).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(await testId('breakdown-table-row').first().getAttribute('data-key')).toBe(names[0]);

    // CSV of what the table shows, RFC 4180.
    const [download] = await Promise.all([page.waitForEvent('download'), testId('breakdown-table-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^burnrate-app-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('App,Requests,Errors,Tokens in,Tokens out,Cost (USD),Saved (USD)');
    expect(lines.length).toBe(byApp.rows.length + 1);
    const csvTop = lines.find((l) => l.startsWith(`${top.key},`) || l.startsWith(`"${top.key}",`))!;
    expect(csvTop.split(',')[5]).toBe(String(top.costUsd));

    // Filter by the top app: the table (now by model) shows only that app's spend.
    await testId('filter-app').selectOption(top.key);
    await testId('group-by-model').click();
    await expect.poll(scope).toContain(`app=${encodeURIComponent(top.key)}`);
    const byModel = await api<BreakdownBody>(`/api/analytics/breakdown?by=model&${await scope()}`);
    await expect.poll(() => testId('breakdown-table-row').count()).toBe(byModel.rows.length);
    expect(byModel.rows.reduce((s, r) => s + r.costUsd, 0)).toBeCloseTo(top.costUsd, 6);
    await expect.poll(async () => Number(await testId('explore-chart').getAttribute('data-count'))).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('explore'), fullPage: true });
  });

  it('explore: clicking a day bar lists its requests, and a request opens its detail', async () => {
    const scope = (await testId('explore').getAttribute('data-query'))!;
    const daily = await api<DailyBody>(`/api/analytics/daily?by=model&${scope}`);
    const index = daily.days.map((d) => d.totalUsd > 0).lastIndexOf(true);
    expect(index).toBeGreaterThanOrEqual(0);
    const day = daily.days[index]!.day;
    const box = (await testId('explore-chart').boundingBox())!;
    const column = (box.width - GRID.left - GRID.right) / daily.days.length;
    await page.mouse.click(box.x + GRID.left + column * (index + 0.5), box.y + box.height - GRID.bottom - 4);
    await testId('day-requests').waitFor();
    await page.mouse.move(0, 0); // no chart tooltip left over in the screenshot
    expect(await testId('day-requests').locator('h2').textContent()).toBe(`Requests on ${day}`);

    const params = new URLSearchParams(scope);
    params.set('from', day);
    params.set('to', new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10));
    const requests = await api<{ total: number; rows: { id: string; costUsd: number }[] }>(`/api/requests?${params}`);
    expect(requests.total).toBeGreaterThan(0);
    await expect.poll(() => testId('requests-table-row').count()).toBe(Math.min(50, requests.rows.length));
    expect(await testId('requests-total').textContent()).toContain(requests.total.toLocaleString('en-US'));

    const first = requests.rows[0]!;
    await page.locator(`[data-testid="requests-table-row"][data-key="${first.id}"] [data-testid="requests-table-open"]`).click();
    await testId('request-detail').waitFor();
    await testId('detail-tokens').waitFor();
    const detail = await api<{ costUsd: number; model: string }>(`/api/requests/${first.id}`);
    expect(Number(await testId('detail-cost').locator('strong').getAttribute('data-value'))).toBe(detail.costUsd);
    expect(await testId('detail-cost').locator('strong').textContent()).toBe(formatUsd(detail.costUsd));
    expect(await testId('detail-model').textContent()).toContain(detail.model);
    await page.screenshot({ path: screenshotPath('request-detail') });
    await testId('request-detail-close').click();
    expect(await testId('request-detail').count()).toBe(0);
  });

  it('budgets: a bad budget shows the server error; a good one shows its spend and burn-down; delete works', async () => {
    await testId('nav-budgets').click();
    await testId('budget-form').waitFor();
    await testId('budget-id').fill('bad id!');
    await testId('budget-limit-input').fill('10');
    await testId('budget-submit').click();
    await testId('budget-error').waitFor();
    expect(await testId('budget-error').textContent()).toMatch(/id/);

    const { monthUsd } = await api<{ monthUsd: number }>('/api/analytics/overview');
    const monthlyLimit = Math.ceil(monthUsd * 1.2);
    for (const [id, limit] of [['monthly-total', String(monthlyLimit)], ['scratch', '1']] as const) {
      await testId('budget-id').fill(id);
      await testId('budget-limit-input').fill(limit);
      await testId('budget-submit').click();
      await page.locator(`[data-testid="budget-card"][data-budget="${id}"]`).waitFor();
    }
    const card = page.locator('[data-testid="budget-card"][data-budget="monthly-total"]');
    const { budgets } = await api<{ budgets: { id: string; spentUsd: number; limitUsd: number }[] }>('/api/budgets');
    const status = budgets.find((b) => b.id === 'monthly-total')!;
    expect(Number(await card.getByTestId('budget-limit').getAttribute('data-value'))).toBe(monthlyLimit);
    expect(Number(await card.getByTestId('budget-spent').getAttribute('data-value'))).toBeCloseTo(status.spentUsd, 6);
    await expect.poll(async () => Number(await card.getByTestId('burndown-monthly-total').getAttribute('data-count'))).toBeGreaterThan(0);

    const scratch = page.locator('[data-testid="budget-card"][data-budget="scratch"]');
    await scratch.getByTestId('budget-delete').click();
    await scratch.getByTestId('budget-delete-confirm').click();
    await expect.poll(() => scratch.count()).toBe(0);
    await page.screenshot({ path: screenshotPath('budgets'), fullPage: true });
  });

  it('overview with a budget: the projection is set against it; laptop, phone and dark mode', async () => {
    await testId('nav-overview').click();
    await testId('near-limit').getByText('monthly-total').waitFor();
    expect(await testId('stat-projection').textContent()).toMatch(/% of the \$[\d,]+\.00 budget/);
    await expect.poll(async () => Number(await testId('daily-chart').getAttribute('data-count'))).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('overview'), fullPage: true });
    const state = await context.storageState();
    for (const [name, options] of [
      ['overview-phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
      ['overview-dark', { viewport: { width: 1366, height: 900 }, colorScheme: 'dark' }],
    ] as const) {
      const ctx = await browser.newContext({ ...options, storageState: state });
      const p = await ctx.newPage();
      await p.goto(gateway.url);
      await p.getByTestId('overview').waitFor();
      await expect.poll(async () => Number(await p.getByTestId('daily-chart').getAttribute('data-count'))).toBeGreaterThan(0);
      await expect.poll(async () => Number(await p.getByTestId('projection-chart').getAttribute('data-count'))).toBeGreaterThan(0);
      if (name === 'overview-phone') expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await p.screenshot({ path: screenshotPath(name), fullPage: true });
      await ctx.close();
    }
  });

  it('forecast: the form shows the API forecast of the archetype and follows edits', async () => {
    await testId('nav-forecast').click();
    await testId('fc-total').waitFor({ timeout: 10_000 });
    const archetype = await testId('forecast-archetype').inputValue();
    const compare = (await testId('forecast-compare').inputValue()).split(/[\s,]+/).filter(Boolean);
    const expected = await api<{ perInteractionUsd: number; monthlyTotalUsd: number; comparison: unknown[] }>('/api/forecast', {
      method: 'POST',
      body: JSON.stringify({ archetype, compare }),
    });
    expect(await numberOf('fc-per-interaction')).toBe(expected.perInteractionUsd);
    expect(await numberOf('fc-total')).toBe(expected.monthlyTotalUsd);
    await expect.poll(() => testId('comparison-table-row').count()).toBe(expected.comparison.length);

    const perDay = Number(await testId('forecast-per-day').inputValue());
    await testId('forecast-per-day').fill(String(perDay * 4));
    await expect.poll(() => numberOf('fc-total'), { timeout: 10_000 }).toBeGreaterThan(expected.monthlyTotalUsd);
    await expect.poll(async () => Number(await testId('fc-projection-chart').getAttribute('data-count'))).toBe(12);
    await testId('forecast-model').fill('no-such-model-xyz');
    await testId('forecast-error').waitFor({ timeout: 10_000 });
    await testId('forecast-model').fill('gpt-4o-mini');
    await expect.poll(() => testId('forecast-error').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
    await page.screenshot({ path: screenshotPath('forecast'), fullPage: true });
  });

  it('when the session ends, the next API call returns to the login page and drops the data', async () => {
    await page.evaluate("fetch('/api/logout', { method: 'POST' })");
    await testId('nav-budgets').click();
    await testId('login').waitFor();
    expect(await testId('budgets').count()).toBe(0);
    expect(await testId('forecast').count()).toBe(0);
  });
});
