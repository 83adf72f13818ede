/**
 * The review queue page in a real browser against the real gateway: samples of an opted-in app are
 * listed with their prompt and answer, a Bad verdict with a note reaches the API, and a gateway with no
 * opted-in app explains how to opt in.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type ConfigInput } from '../../src/config/index.js';
import { startGateway, type Gateway } from '../../src/gateway/server.js';
import type { ReviewSample, ReviewSampleList } from '../../src/review/samples.js';
import { CHROMIUM, ensureDashboardBuilt, launchChromium, screenshotPath } from './browser.js';

const TOKEN = 'e2e-review-token';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !process.env.CI) console.warn(`review queue e2e skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.runIf(hasChromium || process.env.CI)('review queue page (browser, real gateway)', () => {
  const dirs: string[] = [];
  const gateways: Gateway[] = [];
  let browser: Browser;
  let gateway: Gateway;
  let page: Page;

  async function start(config: ConfigInput): Promise<Gateway> {
    const dataDir = mkdtempSync(join(tmpdir(), 'burnrate-e2e-review-'));
    dirs.push(dataDir);
    const g = await startGateway({ config: ConfigSchema.parse({ port: 0, dataDir, ...config }), env: { BURNRATE_ADMIN_TOKEN: TOKEN } });
    gateways.push(g);
    return g;
  }

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  }

  async function logIn(p: Page, url: string): Promise<void> {
    await p.goto(url);
    await p.getByTestId('login-token').fill(TOKEN);
    await p.getByTestId('login-submit').click();
    await p.locator('[data-testid="overview"], [data-testid="first-run"]').first().waitFor();
  }

  beforeAll(async () => {
    expect(hasChromium, `chromium is required in CI: ${CHROMIUM} is missing`).toBe(true);
    await ensureDashboardBuilt();
    gateway = await start({ apps: { support: { storeContent: true, reviewSampleRate: 1 }, billing: {} } });
    const client = (app: string) => gateway.deps.keys.create(app).then((k) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: k.secret, maxRetries: 0 }));
    const support = await client('support');
    await support.chat.completions.create(
      { model: 'sim/gpt-4o-mini', messages: [{ role: 'system', content: 'You help with shoe orders.' }, { role: 'user', content: 'Where is my order #1234?' }] },
      { headers: { 'x-burnrate-feature': 'orders' } },
    );
    const stream = await support.chat.completions.create({ model: 'sim/gpt-4o-mini', messages: [{ role: 'user', content: 'Can I return worn running shoes?' }], stream: true });
    for await (const _chunk of stream) void _chunk;
    // Not opted in: never in the queue.
    await (await client('billing')).chat.completions.create({ model: 'sim/gpt-4o-mini', messages: [{ role: 'user', content: 'Invoice total for ACME?' }] });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const g of gateways) await g.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('lists the pending samples with prompt and answer; Bad with a note is recorded and leaves the queue', async () => {
    const before = await api<ReviewSampleList>('/api/review/samples');
    expect(before.samples.map((s) => s.app)).toEqual(['support', 'support']);
    const target = before.samples.find((s) => s.promptPreview === 'Where is my order #1234?')!;
    expect(target).toBeDefined();
    const full = await api<ReviewSample>(`/api/review/samples/${target.id}`);

    await logIn(page, gateway.url);
    await page.getByTestId('nav-review-queue').click();
    await page.getByTestId('review-queue').waitFor();
    await expect.poll(() => page.getByTestId('sample').count()).toBe(2);
    expect(await page.getByTestId('review-empty').count()).toBe(0);
    const apps = page.getByTestId('review-apps-table-row');
    expect(await apps.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual(['support']);
    expect(await apps.first().locator('td[data-col="pending"]').getAttribute('data-value')).toBe('2');

    const card = page.locator(`[data-testid="sample"][data-id="${target.id}"]`);
    expect(await card.getByTestId('sample-prompt-preview').textContent()).toBe('Where is my order #1234?');
    await card.getByTestId('sample-toggle').click();
    await card.getByTestId('sample-full').waitFor();
    expect(await card.getByTestId('sample-completion').textContent()).toBe(full.completion);
    expect(full.completion.length).toBeGreaterThan(10);
    expect(await card.getByTestId('sample-full').textContent()).toContain('You help with shoe orders.');
    await page.screenshot({ path: screenshotPath('review-queue'), fullPage: true });

    await page.getByTestId('review-reviewer').fill('Ada');
    await card.getByTestId('sample-note').fill('Order #1234 shipped on Friday, not lost');
    await card.getByTestId('sample-bad').click();
    await expect.poll(() => page.getByTestId('sample').count()).toBe(1);
    expect(await card.count()).toBe(0);

    const after = await api<ReviewSample>(`/api/review/samples/${target.id}`);
    expect(after).toMatchObject({ verdict: 'bad', reviewer: 'Ada', note: 'Order #1234 shipped on Friday, not lost' });
    expect(after.reviewedAt).toBeGreaterThan(Date.now() - 60_000);
    const pending = await api<ReviewSampleList>('/api/review/samples');
    expect(pending.samples.map((s) => s.id)).not.toContain(target.id);

    // The reviewed list shows it with its verdict.
    await page.getByTestId('review-status-reviewed').click();
    // The pending list also shows one card: wait for the reviewed one, not just for one card.
    await page.getByTestId('sample-verdict').waitFor();
    await expect.poll(() => page.getByTestId('sample').count()).toBe(1);
    expect(await page.getByTestId('sample').getAttribute('data-id')).toBe(target.id);
    expect(await page.getByTestId('sample-verdict').textContent()).toBe('bad · Ada');
  });

  it('with no app opted in, the page explains storeContent and reviewSampleRate', async () => {
    const bare = await start({});
    const p = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await logIn(p, bare.url);
    await p.goto(`${bare.url}/review`);
    await p.getByTestId('review-empty').waitFor();
    const text = (await p.getByTestId('review-empty').textContent()) ?? '';
    expect(text).toContain('storeContent: true');
    expect(text).toContain('reviewSampleRate');
    expect(await p.getByTestId('sample').count()).toBe(0);
    await p.close();
  });
});
