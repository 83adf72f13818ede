/**
 * The model review page and the overview's "Needs attention" panel in a real browser against the real
 * gateway on a month of demo traffic: the recommendations shown are the API's, marking an app reviewed
 * clears its review_overdue item, and acknowledging an attention item removes it from the panel and
 * from GET /api/status. Saves docs/screenshots/model-review.png.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/index.js';
import { seedDemo } from '../../src/demo/seed.js';
import { startGateway, type Gateway } from '../../src/gateway/server.js';
import type { StatusReport } from '../../src/review/attention.js';
import type { ModelReview, Recommendation } from '../../src/review/model-review.js';
import { formatPercent, formatUsd } from '../../web/src/lib/format.js';
import { CHROMIUM, ensureDashboardBuilt, launchChromium, screenshotPath } from './browser.js';

const TOKEN = 'e2e-model-review-token';
/** Reviewed every 7 days: a month of demo traffic makes its review overdue. */
const OVERDUE_APP = 'doc-pipeline';
const recKey = (r: Recommendation) => `${r.app}|${r.feature ?? ''}|${r.currentModel}|${r.switchTo}|${r.via}`;

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) console.warn(`review pages e2e skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(hasChromium || process.env.CI)('model review and attention (browser, real gateway)', () => {
  let gateway: Gateway;
  let dataDir: string;
  let browser: Browser;
  let page: Page;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }
  const testId = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    expect(hasChromium, `chromium is required in CI: ${CHROMIUM} is missing`).toBe(true);
    await ensureDashboardBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'burnrate-e2e-model-review-'));
    gateway = await startGateway({
      config: ConfigSchema.parse({ port: 0, dataDir, apps: { [OVERDUE_APP]: { reviewEveryDays: 7 }, 'support-bot': { owner: { name: 'Ada' } } } }),
      env: { BURNRATE_ADMIN_TOKEN: TOKEN },
    });
    const startedAt = Date.now();
    expect((await seedDemo(gateway, { days: 30 })).requests).toBeGreaterThan(100);
    // The gateway's anomaly watcher first looks 5 s after the start and raises an alert for the demo's
    // incident day: let it, so the attention items do not change under the test.
    await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 5_000 - Date.now())));
    for (let i = 0; i < 30 && !(await api<StatusReport>('/api/status')).items.some((it) => it.kind === 'alert'); i++) await new Promise((r) => setTimeout(r, 100));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await page.goto(gateway.url);
    await testId('login-token').fill(TOKEN);
    await testId('login-submit').click();
    await testId('overview').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('model review: the recommendations, what-if tables, chart and lifecycle flags are the API answer', async () => {
    await testId('nav-model-review').click();
    await testId('recommendations-table-row').first().waitFor({ timeout: 15_000 });
    const scope = (await testId('model-review').getAttribute('data-query'))!;
    expect(scope).toMatch(/^from=.+&to=.+$/);
    const review = await api<ModelReview>(`/api/review?${scope}`);
    expect(review.recommendations.length).toBeGreaterThan(0);
    await expect.poll(() => testId('recommendations-table-row').count()).toBe(review.recommendations.length);

    // The top recommendation: its saving in dollars per month and as a share, and its evidence, as the API says.
    const top = review.recommendations[0]!;
    expect(top.savingsMonthlyUsd).toBeGreaterThan(0);
    const row = page.locator(`[data-testid="recommendations-table-row"][data-key="${recKey(top)}"]`);
    const saving = row.locator('td[data-col="savingsMonthlyUsd"]');
    expect(Number(await saving.getAttribute('data-value'))).toBe(top.savingsMonthlyUsd);
    expect(await saving.textContent()).toBe(formatUsd(top.savingsMonthlyUsd));
    expect(await row.locator('td[data-col="savingsShare"]').textContent()).toBe(formatPercent(top.savingsShare));
    expect(await row.locator('td[data-col="currentMonthlyUsd"]').textContent()).toBe(formatUsd(top.currentMonthlyUsd));
    expect(await row.locator('td[data-col="newMonthlyUsd"]').textContent()).toBe(formatUsd(top.newMonthlyUsd));
    expect(await row.locator('td[data-col="change"]').textContent()).toContain(top.switchTo);
    const errorRate = top.evidence.current?.errorRate;
    if (errorRate != null) expect(await row.locator('td[data-col="errorRate"]').textContent()).toContain(formatPercent(errorRate, 1));
    // Nobody used the suggested model: the row says there is no evidence for it.
    if (!top.evidence.candidate) expect(await row.getByTestId('rec-caveat').textContent()).toContain('no quality evidence');
    expect(await testId('review-caveat').textContent()).toBe(review.caveats[0]);

    // One what-if table per app and feature; the cheapest candidate first, with its would-cost for the period.
    await expect.poll(() => testId('whatif-group').count()).toBe(review.groups.length);
    const g = review.groups[0]!;
    const group = page.locator(`[data-testid="whatif-group"][data-key="${g.app}|${g.feature ?? ''}|${g.model}|${g.kind}"]`);
    const cheapest = g.alternatives[0]!;
    const first = group.getByTestId('whatif-table-row').first();
    expect(await first.getAttribute('data-key')).toBe(cheapest.model);
    expect(await first.locator('td[data-col="periodUsd"]').textContent()).toBe(formatUsd(cheapest.periodUsd));
    expect(Number(await first.locator('td[data-col="vsActual"]').getAttribute('data-value'))).toBeCloseTo(cheapest.periodUsd - g.actualUsd, 9);
    if (g.excluded.length) {
      const excluded = group.getByTestId('whatif-excluded');
      expect(await excluded.getAttribute('open')).toBeNull();
      await excluded.locator('summary').click();
      expect(await excluded.textContent()).toContain(g.excluded[0]!.reason);
    }

    await expect.poll(async () => Number(await testId('cost-by-model-chart').getAttribute('data-count'))).toBe(review.costByModel.filter((m) => m.actualUsd > 0).length);
    expect(await testId('cost-by-model-chart').locator('canvas').count()).toBeGreaterThan(0);
    expect(await testId('lifecycle-flag').count()).toBe(review.lifecycle.length);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1366);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: screenshotPath('model-review') });

    // Batch prices: the page asks for them and shows the batch column.
    await testId('review-batch').check();
    await expect.poll(async () => (await testId('model-review').getAttribute('data-query')) ?? '').toContain('batch=1');
    await group.getByTestId('whatif-table-sort-batchMonthlyUsd').waitFor();
    const batched = await api<ModelReview>(`/api/review?${(await testId('model-review').getAttribute('data-query'))!}`);
    expect(batched.batch).toBe(true);
    await expect.poll(() => testId('recommendations-table-row').count()).toBe(batched.recommendations.length);
    await testId('review-batch').uncheck();

    // 90 days, one app: the page asks for exactly that and shows the answer.
    await testId('review-period-90').click();
    await testId('review-filter-app').selectOption('support-bot');
    await expect.poll(async () => (await testId('model-review').getAttribute('data-query')) ?? '').toContain('app=support-bot');
    const query = (await testId('model-review').getAttribute('data-query'))!;
    const params = new URLSearchParams(query);
    expect(Date.parse(params.get('to')!) - Date.parse(params.get('from')!)).toBe(90 * 86_400_000);
    const narrowed = await api<ModelReview>(`/api/review?${query}`);
    expect(narrowed.recommendations.length).toBeGreaterThan(0);
    expect(new Set(narrowed.recommendations.map((x) => x.app))).toEqual(new Set(['support-bot']));
    await expect.poll(async () => Number(await testId('review-actual').getAttribute('data-value'))).toBe(narrowed.totals.actualUsd);
    await expect.poll(() => testId('recommendations-table-row').count()).toBe(narrowed.recommendations.length);
    expect(await testId('recommendations-table-row').evaluateAll((rows) => [...new Set(rows.map((r) => r.querySelector('td[data-col="app"]')?.getAttribute('data-value')?.split(' / ')[0]))])).toEqual(['support-bot']);
    expect(await testId('ownership-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-app')))).toEqual(['support-bot']);
    await testId('review-filter-app').selectOption('');
  });

  it('model review: "Mark app reviewed" records the review and the review_overdue item is gone', async () => {
    const before = await api<StatusReport>('/api/status');
    expect(before.items.some((i) => i.kind === 'review_overdue' && i.app === OVERDUE_APP)).toBe(true);
    const row = page.locator(`[data-testid="ownership-row"][data-app="${OVERDUE_APP}"]`);
    expect(await row.getAttribute('data-overdue')).toBe('true');

    await testId('mark-reviewer').fill('Ada');
    await row.getByTestId('mark-reviewed').click();
    await testId('mark-success').waitFor();
    expect(await testId('mark-success').textContent()).toContain(OVERDUE_APP);

    const after = await api<StatusReport>('/api/status');
    expect(after.items.filter((i) => i.kind === 'review_overdue' && i.app === OVERDUE_APP)).toEqual([]);
    expect(Date.parse(after.apps.find((a) => a.app === OVERDUE_APP)!.lastReviewed!)).toBeGreaterThan(Date.now() - 60_000);
    await expect.poll(() => row.getAttribute('data-overdue')).toBe('false');
  });

  it('overview: "Needs attention" lists the status items; Acknowledge removes one here and from the API', async () => {
    await testId('nav-overview').click();
    await testId('attention-item').first().waitFor();
    const status = await api<StatusReport>('/api/status');
    await expect.poll(() => testId('attention-item').count()).toBe(Math.min(5, status.items.length));
    expect(await testId('attention-count').textContent()).toBe(`${status.open} open`);
    // support-bot has an owner in the config; the other demo apps do not.
    const noOwner = status.apps.filter((a) => !a.owner).map((a) => a.app);
    expect(noOwner).not.toContain('support-bot');
    expect(await testId('attention-no-owner').textContent()).toBe(`Without an owner: ${noOwner.join(', ')}`);

    const target = status.items.find((i) => i.kind === 'no_owner')!;
    expect(target).toBeDefined();
    const item = page.locator(`[data-testid="attention-item"][data-key="${target.key}"]`);
    if ((await item.count()) === 0) await testId('attention-all').click();
    expect(await item.textContent()).toContain(target.message);
    await item.getByTestId('attention-ack').click();
    await expect.poll(() => item.count()).toBe(0);

    const after = await api<StatusReport>('/api/status');
    expect(after.items.map((i) => i.key)).not.toContain(target.key);
    expect(after.acknowledged).toBe(status.acknowledged + 1);
    const all = await api<StatusReport>('/api/status?all=1');
    expect(all.items.find((i) => i.key === target.key)?.acknowledged).toBe(true);
    // Stays gone after a reload: the acknowledgement is on the server.
    await page.reload();
    await testId('attention-item').first().waitFor();
    expect(await item.count()).toBe(0);
    expect(await testId('attention-count').textContent()).toBe(`${after.open} open`);
  });
});
