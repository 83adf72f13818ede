import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/index.js';
import { digestText, sendDigest, type Digest } from '../../src/review/index.js';

const digest: Digest = {
  generatedAt: '2026-12-01T08:00:00.000Z',
  week: { from: '2026-11-24', to: '2026-12-01' },
  spend: { thisWeekUsd: 120, lastWeekUsd: 100, change: 0.2 },
  projection: { monthStart: '2026-12-01', monthEnd: '2027-01-01', spentUsd: 0, lowUsd: 400, expectedUsd: 500, highUsd: 650 },
  budgets: [{ id: 'team', scope: 'app', value: 'support', limitUsd: 450, spentUsd: 0, projectedUsd: 500, usedShare: 0, overProjected: true }],
  topChanges: [{ dimension: 'model', key: 'gpt-4o', currentUsd: 80, previousUsd: 50, deltaUsd: 30 }],
  savings: { responseCacheUsd: 5, embeddingsCacheUsd: 0, routingUsd: 1, promptCacheUsd: 3, totalUsd: 9 },
  opportunities: [{ app: 'support', feature: null, currentModel: 'gpt-4o', switchTo: 'openai/gpt-4.1-mini', via: 'model', savingsMonthlyUsd: 42 }],
  attention: [
    { owner: 'Ada', apps: ['support'], items: [{ key: 'k1', kind: 'review_overdue', severity: 'low', app: 'support', owner: 'Ada', message: 'support is overdue', since: null, details: {}, acknowledged: false }] },
    { owner: null, apps: ['orphan'], items: [{ key: 'k2', kind: 'no_owner', severity: 'medium', app: 'orphan', owner: null, message: 'orphan has no owner', since: null, details: {}, acknowledged: false }] },
  ],
};

describe('digest', () => {
  it('reads as text with spend, projection vs budget, changes, savings and items per owner', () => {
    const text = digestText(digest);
    expect(text).toContain('$120.00 this week vs $100.00 last week (+20 %)');
    expect(text).toContain('projected $500.00 — OVER');
    expect(text).toContain('model gpt-4o: +$30.00');
    expect(text).toContain('Saved this week: $9.00');
    expect(text).toContain('no owner:');
    expect(text).toContain('orphan has no owner');
  });

  it("posts each owner's webhook a Slack-compatible { text } with only their items, naming only the host", async () => {
    const config = ConfigSchema.parse({ apps: { support: { owner: { name: 'Ada', webhook: 'https://hooks.example.com/T000/secret' } }, other: { owner: { name: 'Bob' } } } });
    const posts: { url: string; body: { text: string } }[] = [];
    const sent = await sendDigest(digest, config, async (url, body) => void posts.push({ url, body: JSON.parse(body) }));
    expect(sent).toEqual([{ owner: 'Ada', webhookHost: 'hooks.example.com', ok: true }]);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.url).toBe('https://hooks.example.com/T000/secret');
    expect(posts[0]!.body.text).toContain('support is overdue');
    expect(posts[0]!.body.text).not.toContain('orphan has no owner');
    const failed = await sendDigest(digest, config, async () => { throw new Error('webhook answered 500'); });
    expect(failed[0]).toMatchObject({ ok: false, error: 'webhook answered 500' });
  });
});
