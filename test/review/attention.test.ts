import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.js';
import { ConfigSchema } from '../../src/config/index.js';
import type { BudgetStatus } from '../../src/controls/index.js';
import type { Storage } from '../../src/gateway/storage.js';
import { KeyStore } from '../../src/keys/index.js';
import { attentionStatus, lifecycleFlag, parseModelName, ReviewRepository } from '../../src/review/index.js';
import { BACKENDS, day, openWith, PERIOD, type ReviewStore } from './helpers.js';

const catalog = new Catalog();
const config = ConfigSchema.parse({
  apps: {
    support: { owner: { name: 'Ada', email: 'ada@example.com', webhook: 'https://hooks.example.com/secret-path' }, reviewEveryDays: 30 },
  },
});
const now = PERIOD.to;

describe.each(BACKENDS)('status: what needs attention ($name)', (backend) => {
  let store: ReviewStore;
  let storage: Storage;
  let repo: ReviewRepository;

  beforeAll(async () => {
    store = await backend.create();
    storage = await openWith(store, [
      // Before the period, the upstream answered gpt-4o requests with the August snapshot.
      { app: 'support', model: 'gpt-4o', requestedModel: 'gpt-4o', returnedModel: 'gpt-4o-2024-08-06', ts: Date.parse('2026-10-25T10:00:00Z') },
      { app: 'support', model: 'gpt-4o', requestedModel: 'gpt-4o', returnedModel: 'gpt-4o-2024-08-06', ts: day(2) },
      { app: 'support', model: 'gpt-4o', requestedModel: 'gpt-4o', returnedModel: 'gpt-4o-2024-08-06', ts: day(3) },
      // Then the upstream changed the model behind the same name (and served the old one once more in between).
      { app: 'support', model: 'gpt-4o', requestedModel: 'gpt-4o', returnedModel: 'gpt-4o-2024-11-20', ts: day(10) },
      { app: 'support', model: 'gpt-4o', requestedModel: 'gpt-4o', returnedModel: 'gpt-4o-2024-08-06', ts: day(11) },
      { app: 'support', model: 'gpt-4o', requestedModel: 'gpt-4o', returnedModel: 'gpt-4o-2024-11-20', ts: day(12) },
      { app: 'support', model: 'gpt-4o', requestedModel: 'gpt-4o', returnedModel: 'gpt-4o-2024-11-20', ts: day(13) },
      // Routing sent some claude requests to another model: a different returned id, but not a version change.
      { app: 'support', model: 'claude-sonnet-4-5', requestedModel: 'claude-sonnet-4-5', returnedModel: 'claude-sonnet-4-5-20250929', ts: day(2) },
      { app: 'support', model: 'gpt-4o-mini', requestedModel: 'claude-sonnet-4-5', returnedModel: 'gpt-4o-mini-2024-07-18', ts: day(5), route: 'budget:downgrade' },
      { app: 'support', model: 'claude-sonnet-4-5', requestedModel: 'claude-sonnet-4-5', returnedModel: 'claude-sonnet-4-5-20250929', ts: day(6) },
      // Another app whose returned model never changed, and one without an owner.
      { app: 'billing', model: 'gpt-4o-mini', requestedModel: 'gpt-4o-mini', returnedModel: 'gpt-4o-mini-2024-07-18', ts: day(4) },
      { app: 'billing', model: 'gpt-4o-mini', requestedModel: 'gpt-4o-mini', returnedModel: 'gpt-4o-mini-2024-07-18', ts: day(14) },
      // A model the catalog has no price for, recorded at $0.
      { app: 'lab', model: 'my-finetune', requestedModel: 'my-finetune', errorCode: 'unpriced_model', costNano: 0, ts: day(15) },
      { app: 'lab', model: 'my-finetune', requestedModel: 'my-finetune', errorCode: 'unpriced_model', costNano: 0, ts: day(16) },
    ]);
    repo = new ReviewRepository(storage.sql);
  });
  afterAll(async () => {
    await storage.close();
    await store.dispose();
  });

  const status = (extra: Partial<Parameters<typeof attentionStatus>[0]> = {}) =>
    attentionStatus({ repo, config, catalog, budgets: [], period: PERIOD, now, ...extra });

  it('raises exactly one item when the upstream\'s returned model id changes (and none for routing to another model)', async () => {
    const changes = (await status()).items.filter((i) => i.kind === 'model_version_change');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      app: 'support', owner: 'Ada', details: { requestedModel: 'gpt-4o', model: 'gpt-4o', from: 'gpt-4o-2024-08-06', to: 'gpt-4o-2024-11-20' },
      since: new Date(day(10)).toISOString(),
    });
    // The same situation keeps the same key: asking again does not add a second item.
    expect((await status()).items.filter((i) => i.kind === 'model_version_change').map((i) => i.key)).toEqual([changes[0]!.key]);
  });

  it('sees a change that happened between the last request before the period and the first one in it', async () => {
    const later = { from: day(13), to: PERIOD.to };
    expect((await status({ period: later })).items.filter((i) => i.kind === 'model_version_change')).toHaveLength(0);
    const across = { from: day(9), to: PERIOD.to };
    const items = (await status({ period: across })).items.filter((i) => i.kind === 'model_version_change');
    expect(items).toHaveLength(1);
    expect(items[0]!.details).toMatchObject({ from: 'gpt-4o-2024-08-06', to: 'gpt-4o-2024-11-20' });
  });

  it('lists apps with no owner, and not those with one', async () => {
    const s = await status();
    const noOwner = s.items.filter((i) => i.kind === 'no_owner').map((i) => i.app);
    expect(noOwner).toContain('billing');
    expect(noOwner).toContain('lab');
    expect(noOwner).not.toContain('support');
    expect(s.apps.find((a) => a.app === 'support')!.owner).toEqual({ name: 'Ada', email: 'ada@example.com', hasWebhook: true });
    expect(JSON.stringify(s)).not.toContain('secret-path');
  });

  it('flags apps overdue for review until a review is recorded', async () => {
    // support: first request 2026-10-25, reviewed every 30 days, never reviewed → overdue on 2026-12-01.
    expect((await status()).items.some((i) => i.kind === 'review_overdue' && i.app === 'support')).toBe(true);
    // billing: default cadence of 90 days, first seen in November → not due yet.
    expect((await status()).items.some((i) => i.kind === 'review_overdue' && i.app === 'billing')).toBe(false);
    await repo.markReviewed('support', 'Ada', null, now - 86_400_000);
    expect((await status()).items.some((i) => i.kind === 'review_overdue' && i.app === 'support')).toBe(false);
    expect((await status()).apps.find((a) => a.app === 'support')!.lastReviewed).toBe(new Date(now - 86_400_000).toISOString());
  });

  it('lists requests for unpriced models, budgets at 80 % or more, and deprecated or superseded models', async () => {
    const budget = (usedShare: number, id: string): BudgetStatus => ({
      id, scope: 'app', value: 'support', mode: 'hard', period: 'month', limitUsd: 100, spentUsd: usedShare * 100, reservedUsd: 0, remainingUsd: 100 - usedShare * 100,
      spentNano: usedShare * 1e11, reservedNano: 0, periodStart: '2026-11-01T00:00:00.000Z', resetsAt: '2026-12-01T00:00:00.000Z', projectedUsd: 120, usedShare,
    });
    const s = await status({ budgets: [budget(0.85, 'near'), budget(0.5, 'fine')] });
    expect(s.items.find((i) => i.kind === 'unknown_model')).toMatchObject({ app: 'lab', details: { model: 'my-finetune', requests: 2 }, severity: 'high' });
    const budgets = s.items.filter((i) => i.kind === 'budget_near_limit');
    expect(budgets.map((b) => b.details.id)).toEqual(['near']);
    expect(budgets[0]!.owner).toBe('Ada');
    expect(s.items.some((i) => i.kind === 'model_lifecycle' && i.app === 'support')).toBe(true);
  });

  it('hides acknowledged items unless all are asked for', async () => {
    const key = (await status()).items.find((i) => i.kind === 'model_version_change')!.key;
    await repo.acknowledge(key, 'Ada', 'checked the evals');
    const s = await status();
    expect(s.items.some((i) => i.key === key)).toBe(false);
    expect(s.acknowledged).toBeGreaterThanOrEqual(1);
    expect((await status({ all: true })).items.find((i) => i.key === key)!.acknowledged).toBe(true);
    // Acknowledging again updates the acknowledgement rather than adding a second one.
    await repo.acknowledge(key, 'Bob', 'seen again');
    expect((await status()).acknowledged).toBe(s.acknowledged);
  });

  it('lists alerts raised in the period, and apps that have a key but no traffic yet', async () => {
    const alert = 'INSERT INTO alerts (id, ts, kind, dedupe_key, message, details) VALUES (?, ?, ?, ?, ?, ?)';
    await storage.sql.run(alert, ['al_1', day(20), 'anomaly', 'anomaly:billing', 'billing spend is 5x its usual', JSON.stringify({ app: 'billing' })]);
    await storage.sql.run(alert, ['al_0', Date.parse('2026-10-01T00:00:00Z'), 'anomaly', 'anomaly:old', 'an old alert', '{}']);
    await new KeyStore(storage.sql).create('newapp');
    const s = await status();
    const alerts = s.items.filter((i) => i.kind === 'alert');
    expect(alerts.map((i) => [i.key, i.app, i.since])).toEqual([['alert:al_1', 'billing', new Date(day(20)).toISOString()]]);
    expect(s.apps.find((a) => a.app === 'newapp')).toMatchObject({ owner: null, lastReviewed: null, reviewDue: null });
    expect(s.items.find((i) => i.key === 'no-owner:newapp')).toMatchObject({ since: null });
  });
});

describe('model lifecycle rule', () => {
  const at = new Date(PERIOD.to);

  it('reads ids as family, version and variant', () => {
    expect(parseModelName('claude-sonnet-4-0')).toEqual({ family: 'claude-sonnet-', version: [4, 0], variant: '' });
    expect(parseModelName('gpt-4o-mini')).toEqual({ family: 'gpt-', version: [4], variant: '-mini' });
    expect(parseModelName('gpt-4.1-mini')).toEqual({ family: 'gpt-', version: [4, 1], variant: '-mini' });
    expect(parseModelName('gemini-2.5-flash-lite')).toEqual({ family: 'gemini-', version: [2, 5], variant: '-flash-lite' });
    expect(parseModelName('grok-4-0709')).toEqual({ family: 'grok-', version: [4], variant: '-0709' });
  });

  it('flags a newer sibling of the same family at no higher price, and deprecated models', () => {
    const sonnet = lifecycleFlag(catalog, 'claude-sonnet-4-0', at)!;
    expect(sonnet.newerSibling).not.toBeNull();
    const sibling = catalog.list().find((e) => `${e.provider}/${e.id}` === sonnet.newerSibling!.entry)!;
    expect(sibling.id).toMatch(/^claude-sonnet-/);
    expect(sonnet.newerSibling!.inputPerM).toBeLessThanOrEqual(3);
    expect(sonnet.newerSibling!.outputPerM).toBeLessThanOrEqual(15);
    const gpt4o = lifecycleFlag(catalog, 'gpt-4o-2024-08-06', at)!;
    expect(gpt4o.entry).toBe('openai/gpt-4o');
    expect(parseModelName(gpt4o.newerSibling!.entry.split('/')[1]!)).toMatchObject({ family: 'gpt-', variant: '' });
    const deprecated = catalog.list().find((e) => e.deprecated && e.provider === 'google')!;
    expect(lifecycleFlag(catalog, `google/${deprecated.id}`, at)?.deprecated).toBe(true);
  });
});
