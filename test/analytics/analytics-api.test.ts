import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { ADMIN_TOKEN, startRig, type TestRig } from '../helpers/gateway.js';

let rig: TestRig;
const now = Date.now();
const sql = <T>(q: string, ...p: unknown[]) => rig.gateway.db!.prepare(q).get(...p) as T;

beforeAll(async () => {
  rig = await startRig({ budgets: [{ id: 'support-month', scope: 'app', match: 'support-bot', limitUsd: 1000, period: 'month' }], apps: { 'support-bot': { forecast: 'customer-chatbot' } } });
  await seedDemo(rig.gateway, { days: 30, now: new Date(now) });
});
afterAll(() => rig.close());

const day = (ts: number) => new Date(ts).toISOString().slice(0, 10);
const get = async (path: string) => {
  const res = await rig.admin(path);
  expect(res.status).toBe(200);
  return res.json();
};

describe('analytics API on a month of demo traffic', () => {
  it('daily series and breakdowns add up to the ledger, to the nano-dollar', async () => {
    const from = day(now - 29 * 86_400_000);
    const ledger = sql<{ cost: number; n: number }>('SELECT SUM(cost_nano) AS cost, COUNT(*) AS n FROM ledger WHERE ts >= ?', Date.parse(`${from}T00:00:00Z`));
    const daily = await get(`/api/analytics/daily?from=${from}&by=app`);
    expect(daily.days).toHaveLength(30);
    expect(daily.keys).toContain('support-bot');
    expect(daily.days.reduce((s: number, d: { requests: number }) => s + d.requests, 0)).toBe(ledger.n);
    const byApp = await get(`/api/analytics/breakdown?from=${from}&by=app`);
    expect(byApp.rows.reduce((s: number, r: { costNano: number }) => s + r.costNano, 0)).toBe(ledger.cost);
    const oneApp = await get(`/api/analytics/breakdown?from=${from}&by=model&app=doc-pipeline`);
    expect(oneApp.rows.map((r: { key: string }) => r.key)).toEqual(['gpt-4o']);
  });

  it('gives the overview: month spend, projection band, savings by lever, budgets', async () => {
    const o = await get('/api/analytics/overview');
    const monthStart = Date.parse(`${day(now).slice(0, 8)}01T00:00:00Z`);
    const month = sql<{ cost: number }>('SELECT SUM(cost_nano) AS cost FROM ledger WHERE ts >= ?', monthStart);
    expect(o.empty).toBe(false);
    expect(o.monthUsd).toBeCloseTo(month.cost / 1e9, 9);
    expect(o.projection.lowUsd).toBeLessThanOrEqual(o.projection.expectedUsd);
    expect(o.projection.expectedUsd).toBeLessThanOrEqual(o.projection.highUsd);
    expect(o.projection.expectedUsd).toBeGreaterThanOrEqual(o.monthUsd);
    expect(o.savings.responseCacheUsd).toBeGreaterThan(0);
    expect(o.savings.embeddingsCacheUsd).toBeGreaterThan(0);
    expect(o.savings.routingUsd).toBeGreaterThan(0);
    expect(o.savings.promptCacheUsd).toBeGreaterThan(0);
    expect(o.budgets[0]).toMatchObject({ id: 'support-month', value: 'support-bot' });
  });

  it('finds the retry-loop incident as an anomaly driven by the doc pipeline', async () => {
    const { anomalies } = await get('/api/analytics/anomalies');
    const incident = anomalies.find((a: { topApp: string }) => a.topApp === 'doc-pipeline');
    expect(incident).toBeDefined();
    expect(incident.costUsd).toBeGreaterThan(incident.baselineUsd * 2);
    expect(incident.topModel).toBe('gpt-4o');
  });

  it('shows cost per interaction creeping up and the conversation distribution', async () => {
    const i = await get('/api/analytics/interactions?app=support-bot');
    const firstWeek = i.trend.slice(0, 7).reduce((s: number, d: { costPerRequestUsd: number }) => s + d.costPerRequestUsd, 0);
    const lastWeek = i.trend.slice(-8, -1).reduce((s: number, d: { costPerRequestUsd: number }) => s + d.costPerRequestUsd, 0);
    expect(lastWeek).toBeGreaterThan(firstWeek * 1.3);
    expect(i.conversations.count).toBeGreaterThan(100);
    expect(i.conversations.medianUsd).toBeLessThanOrEqual(i.conversations.p90Usd);
    expect(i.conversations.p90Usd).toBeLessThanOrEqual(i.conversations.maxUsd);
    expect(i.top[0].costUsd).toBe(i.conversations.maxUsd);
  });

  it('explains week-over-week changes and lists the requests behind a day', async () => {
    const t = await get('/api/analytics/trends');
    expect(t.weekOverWeek).toHaveProperty('change');
    expect(t.drivers.length).toBeGreaterThan(0);
    const d = day(now - 2 * 86_400_000);
    const page = await get(`/api/requests?from=${d}&to=${day(now - 86_400_000)}&app=email-assistant&limit=5`);
    const count = sql<{ n: number }>('SELECT COUNT(*) AS n FROM ledger WHERE ts >= ? AND ts < ? AND app = ?', Date.parse(`${d}T00:00:00Z`), Date.parse(`${d}T00:00:00Z`) + 86_400_000, 'email-assistant');
    expect(page.total).toBe(count.n);
    expect(page.rows).toHaveLength(Math.min(5, count.n));
    expect(page.rows.every((r: { app: string }) => r.app === 'email-assistant')).toBe(true);
    const hourly = await get('/api/analytics/hourly?by=model');
    expect(hourly.hours).toHaveLength(48);
  });

  it('draws a budget burn-down and predicts exhaustion', async () => {
    const { budgets } = await get('/api/budgets');
    expect(budgets[0]).toHaveProperty('exhaustsAt');
    const b = await get('/api/budgets/support-month/burndown');
    const last = b.points.at(-1);
    expect(last.spentUsd).toBeCloseTo(b.budget.spentUsd, 6);
    expect(last.remainingUsd).toBeCloseTo(Math.max(0, 1000 - b.budget.spentUsd), 6);
  });

  it('runs the forecaster for the dashboard form', async () => {
    const res = await rig.admin('/api/forecast', { method: 'POST', body: JSON.stringify({ archetype: 'customer-chatbot', compare: ['gpt-4o-mini'] }) });
    const f = await res.json();
    expect(f.monthlyTotalUsd).toBeGreaterThan(0);
    expect(f.comparison.length).toBeGreaterThan(0);
    const bad = await rig.admin('/api/forecast', { method: 'POST', body: JSON.stringify({ scenario: { traffic: { interactionsPerDay: -1 } } }) });
    expect(bad.status).toBe(400);
    const archetypes = await get('/api/forecast/archetypes');
    expect(archetypes.archetypes.map((a: { id: string }) => a.id)).toContain('multi-tool-agent');
  });

  it('compares the forecast attached to an app with the ledger', async () => {
    const r = await get('/api/analytics/forecast-vs-actual?app=support-bot');
    expect(r.forecast.perInteractionUsd).toBeGreaterThan(0);
    expect(r.actual.interactionsLast30Days).toBeGreaterThan(1000);
    expect(r.ratio.perInteraction).toBeCloseTo(r.actual.perInteractionUsd / r.forecast.perInteractionUsd, 9);
    expect((await rig.admin('/api/analytics/forecast-vs-actual?app=email-assistant')).status).toBe(404);
  });

  it('raises anomaly alerts from the watcher', async () => {
    const { watchAnomalies } = await import('../../src/gateway/anomaly-watch.js');
    const stop = watchAnomalies(rig.gateway.queries, rig.gateway.deps.alerts, 60_000, 0);
    let alerts: { kind: string; details: { topApp: string } }[] = [];
    for (let i = 0; i < 50 && !alerts.some((a) => a.kind === 'anomaly'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      alerts = (await get('/api/alerts')).alerts;
    }
    stop();
    const anomaly = alerts.find((a) => a.kind === 'anomaly');
    expect(anomaly?.details.topApp).toBe('doc-pipeline');
  });

  it('logs the dashboard in with an HttpOnly, SameSite=Strict cookie', async () => {
    const wrong = await fetch(`${rig.baseUrl}/api/login`, { method: 'POST', body: JSON.stringify({ token: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const ok = await fetch(`${rig.baseUrl}/api/login`, { method: 'POST', body: JSON.stringify({ token: ADMIN_TOKEN }) });
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/burnrate_admin=.*HttpOnly.*SameSite=Strict/);
    const session = await fetch(`${rig.baseUrl}/api/session`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(session.status).toBe(200);
    expect((await fetch(`${rig.baseUrl}/api/session`)).status).toBe(401);
    expect((await fetch(`${rig.baseUrl}/api/analytics/overview`, { headers: { cookie: 'burnrate_admin=wrong' } })).status).toBe(401);
  });
});
