// The behaviour every LedgerStore/LedgerQueries backend must have. Each backend's test file calls
// describeLedgerContract with a factory; the cases are written once.
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerQueries, LedgerRow, LedgerStore, SeriesPoint } from '../../src/ledger/index.js';
import { makeRow } from '../helpers/rows.js';

/** One isolated storage (a SQLite file, a PostgreSQL schema) that ledgers can be opened on, again and again. */
export interface LedgerBackend {
  /** A ledger over this storage; a second call sees what the first one wrote. Rows wait in the queue until flushed. */
  open(): Promise<{ ledger: LedgerStore; queries: LedgerQueries }>;
  /** Rows stored in the raw ledger table. */
  countRows(): Promise<number>;
  /** Removes the storage (ledgers opened on it are closed by the contract first). */
  dispose(): Promise<void>;
}

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const t0 = Date.parse('2026-11-20T10:00:00Z');
const h0 = Math.floor(t0 / HOUR);

/** A small, varied day-by-day ledger: two apps, two providers, errors, every kind of saving. */
export function sampleRows(): LedgerRow[] {
  return [
    makeRow({ ts: t0, app: 'support', model: 'gpt-4o-mini', feature: 'chat', customer: 'acme', costNano: 100, conversation: 'c1' }),
    makeRow({ ts: t0 + HOUR, app: 'support', model: 'gpt-4o', customer: 'acme', costNano: 300, status: 500, conversation: 'c1', tokensIn: 7 }),
    makeRow({ ts: t0 + DAY, app: 'search', model: 'gpt-4o', feature: 'chat', costNano: 50, savedNano: 20, cache: 'hit', conversation: 'c2' }),
    makeRow({ ts: t0 + DAY + 1000, app: 'support', endpoint: 'openai-embeddings', costNano: 0, savedNano: 9 }),
    makeRow({ ts: t0 + DAY + 2 * HOUR, app: 'search', provider: 'anthropic', model: 'claude-haiku', feature: 'rerank', costNano: 70, promptCacheSavedNano: 5 }),
    makeRow({ ts: t0 + 2 * DAY, app: 'support', model: 'gpt-4o-mini', costNano: 10, savedNano: 3 }),
  ];
}

const cell = (p: SeriesPoint) => [String(p.bucket), p.key, p.requests, p.errors, p.costNano, p.savedNano];

export function describeLedgerContract(name: string, newBackend: () => Promise<LedgerBackend>): void {
  describe(`ledger contract: ${name}`, () => {
    const backends: LedgerBackend[] = [];
    const ledgers: LedgerStore[] = [];

    async function setup() {
      const backend = await newBackend();
      backends.push(backend);
      const open = async () => {
        const opened = await backend.open();
        ledgers.push(opened.ledger);
        return opened;
      };
      return { backend, open, ...(await open()) };
    }

    async function withSample() {
      const s = await setup();
      const rows = sampleRows();
      rows.forEach((r) => s.ledger.append(r));
      return { ...s, rows };
    }

    afterEach(async () => {
      for (const l of ledgers.splice(0)) await l.close();
      for (const b of backends.splice(0)) await b.dispose();
    });

    it('stores a row and reads it back exactly', async () => {
      const { ledger } = await setup();
      const row = makeRow({ tags: { team: 'cx' }, usage: { input: 5, cache_read: 7, output: 3, reasoning: 1 }, stream: true, estimated: true, ttftMs: 3.25, user: 'u1' });
      ledger.append(row);
      expect(await ledger.get(row.id)).toEqual(row); // from the queue
      await ledger.flush();
      expect(await ledger.get(row.id)).toEqual(row); // from storage
      expect(await ledger.get('no-such-id')).toBeUndefined();
    });

    it('keeps rollups equal to the sum of rows, per day and per model', async () => {
      const { ledger } = await setup();
      const rows = [
        makeRow({ ts: t0, model: 'gpt-4o-mini', costNano: 100 }),
        makeRow({ ts: t0 + 1000, model: 'gpt-4o', costNano: 250, status: 500 }),
        makeRow({ ts: t0 + DAY, model: 'gpt-4o', costNano: 50, savedNano: 7 }),
      ];
      rows.forEach((r) => ledger.append(r));
      const byDay = await ledger.usage({ from: t0 - DAY, to: t0 + 2 * DAY, groupBy: 'day' });
      expect(byDay.map((g) => [g.key, g.requests, g.costNano, g.errors])).toEqual([
        ['2026-11-20', 2, 350, 1],
        ['2026-11-21', 1, 50, 0],
      ]);
      const byModel = await ledger.usage({ from: t0, to: t0 + 2 * DAY, groupBy: 'model' });
      expect(byModel).toEqual([
        { key: 'gpt-4o', requests: 2, errors: 1, tokensIn: 200, tokensOut: 40, costNano: 300, savedNano: 7 },
        { key: 'gpt-4o-mini', requests: 1, errors: 0, tokensIn: 100, tokensOut: 20, costNano: 100, savedNano: 0 },
      ]);
    });

    it('groups by conversation and filters by app', async () => {
      const { ledger } = await setup();
      ledger.append(makeRow({ conversation: 'c1', costNano: 10 }));
      ledger.append(makeRow({ conversation: 'c1', costNano: 20 }));
      ledger.append(makeRow({ conversation: 'c2', costNano: 5, app: 'other' }));
      const all = await ledger.usage({ from: t0, to: t0 + 1, groupBy: 'conversation' });
      expect(all.map((g) => [g.key, g.requests, g.costNano])).toEqual([
        ['c1', 2, 30],
        ['c2', 1, 5],
      ]);
      const one = await ledger.usage({ from: t0, to: t0 + 1, groupBy: 'conversation', app: 'other' });
      expect(one.map((g) => g.key)).toEqual(['c2']);
    });

    it('groups usage by customer, feature and provider, "no value" as an empty key', async () => {
      const { ledger } = await withSample();
      const range = { from: t0, to: t0 + 3 * DAY };
      const byCustomer = await ledger.usage({ ...range, groupBy: 'customer' });
      expect(byCustomer.map((g) => [g.key, g.requests, g.costNano])).toEqual([['acme', 2, 400], ['', 4, 130]]);
      const byProvider = await ledger.usage({ ...range, groupBy: 'provider', app: 'search' });
      expect(byProvider.map((g) => [g.key, g.costNano])).toEqual([['anthropic', 70], ['openai', 50]]);
      const byFeature = await ledger.usage({ ...range, groupBy: 'feature' });
      expect(byFeature.map((g) => [g.key, g.costNano])).toEqual([['', 310], ['chat', 150], ['rerank', 70]]);
    });

    it('writes a duplicate id once, and counts it once in the rollups', async () => {
      const { ledger, backend } = await setup();
      const row = makeRow({ costNano: 42 });
      ledger.append(row);
      await ledger.flush();
      ledger.append(row); // a retried write, in a later batch
      ledger.append(makeRow({ ...row })); // and twice in one batch
      ledger.append(makeRow({ ...row }));
      const [day] = await ledger.usage({ from: t0, to: t0 + 1, groupBy: 'day' });
      expect(day).toMatchObject({ requests: 1, costNano: 42 });
      expect(await backend.countRows()).toBe(1);
    });

    it('loses nothing across close and reopen', async () => {
      const { ledger, backend, open } = await setup();
      for (let i = 0; i < 2500; i++) ledger.append(makeRow({ costNano: i }));
      await ledger.close();
      const again = await open();
      const [day] = await again.ledger.usage({ from: t0, to: t0 + 1, groupBy: 'day' });
      expect(day).toMatchObject({ requests: 2500, costNano: (2499 * 2500) / 2 });
      expect(await backend.countRows()).toBe(2500);
    });

    it('sums spend by hour since a time, optionally for one column value', async () => {
      const { ledger } = await withSample();
      const all = [...(await ledger.costByHour(t0))].sort((x, y) => x[0] - y[0]);
      expect(all).toEqual([[h0, 100], [h0 + 1, 300], [h0 + 24, 50], [h0 + 26, 70], [h0 + 48, 10]]);
      expect([...(await ledger.costByHour(t0 + HOUR, { column: 'customer', value: 'acme' }))]).toEqual([[h0 + 1, 300]]);
      expect([...(await ledger.costByHour(t0, { column: 'model', value: 'claude-haiku' }))]).toEqual([[h0 + 26, 70]]);
      expect((await ledger.costByHour(t0, { column: 'app', value: 'nobody' })).size).toBe(0);
    });

    it('answers daily series, in total and split by a dimension, with filters', async () => {
      const { queries } = await withSample();
      const total = await queries.daily('2026-11-20', '2026-11-23', null, {});
      expect(total.map(cell)).toEqual([
        ['2026-11-20', 'total', 2, 1, 400, 0],
        ['2026-11-21', 'total', 3, 0, 120, 29],
        ['2026-11-22', 'total', 1, 0, 10, 3],
      ]);
      expect((await queries.daily('2026-11-21', '2026-11-22', null, {})).map(cell)).toEqual([['2026-11-21', 'total', 3, 0, 120, 29]]);
      const byModel = await queries.daily('2026-11-20', '2026-11-23', 'model', { app: 'support' });
      expect(byModel.map(cell)).toEqual([
        ['2026-11-20', 'gpt-4o', 1, 1, 300, 0],
        ['2026-11-20', 'gpt-4o-mini', 1, 0, 100, 0],
        ['2026-11-21', 'gpt-4o-mini', 1, 0, 0, 9],
        ['2026-11-22', 'gpt-4o-mini', 1, 0, 10, 3],
      ]);
      expect(byModel[0]).toMatchObject({ tokensIn: 7, tokensOut: 20 });
      const noFeature = await queries.daily('2026-11-20', '2026-11-23', 'feature', { feature: '(none)' });
      expect(noFeature.map(cell)).toEqual([
        ['2026-11-20', '', 1, 1, 300, 0],
        ['2026-11-21', '', 1, 0, 0, 9],
        ['2026-11-22', '', 1, 0, 10, 3],
      ]);
      const byProvider = await queries.daily('2026-11-20', '2026-11-23', 'provider', { customer: '(none)', model: 'gpt-4o' });
      expect(byProvider.map(cell)).toEqual([['2026-11-21', 'openai', 1, 0, 50, 20]]);
      expect(await queries.daily('2026-11-20', '2026-11-23', 'app', { app: 'nobody' })).toEqual([]);
    });

    it('answers hourly series by hour index', async () => {
      const { queries } = await withSample();
      const hours = await queries.hourly(h0, h0 + 48, 'app', {});
      expect(hours.map(cell)).toEqual([
        [String(h0), 'support', 1, 0, 100, 0],
        [String(h0 + 1), 'support', 1, 1, 300, 0],
        [String(h0 + 24), 'search', 1, 0, 50, 20],
        [String(h0 + 24), 'support', 1, 0, 0, 9],
        [String(h0 + 26), 'search', 1, 0, 70, 0],
      ]);
      const chat = await queries.hourly(h0, h0 + 49, null, { feature: 'chat' });
      expect(chat.map(cell)).toEqual([[String(h0), 'total', 1, 0, 100, 0], [String(h0 + 24), 'total', 1, 0, 50, 20]]);
    });

    it('lists the most expensive conversations active in the days, and their cost distribution', async () => {
      const { queries, ledger } = await withSample();
      ledger.append(makeRow({ ts: t0 + 2 * DAY, app: 'support', conversation: 'c1', costNano: 1 })); // c1 is active until the 22nd
      expect(await queries.topConversations('2026-11-20', '2026-11-23', undefined, 10)).toEqual([
        { conversation: 'c1', app: 'support', requests: 3, costNano: 401 },
        { conversation: 'c2', app: 'search', requests: 1, costNano: 50 },
      ]);
      expect(await queries.topConversations('2026-11-20', '2026-11-23', undefined, 1)).toEqual([{ conversation: 'c1', app: 'support', requests: 3, costNano: 401 }]);
      expect(await queries.topConversations('2026-11-20', '2026-11-23', 'search', 10)).toEqual([{ conversation: 'c2', app: 'search', requests: 1, costNano: 50 }]);
      // A conversation's totals are for its whole life: active on the 22nd means all of it.
      expect(await queries.topConversations('2026-11-22', '2026-11-23', undefined, 10)).toEqual([{ conversation: 'c1', app: 'support', requests: 3, costNano: 401 }]);
      expect(await queries.topConversations('2026-11-23', '2026-11-30', undefined, 10)).toEqual([]);
      const costs = await queries.conversationCosts('2026-11-20', '2026-11-23', undefined);
      expect({ ...costs, costsNano: [...costs.costsNano].sort((x, y) => x - y) }).toEqual({ costsNano: [50, 401], sampleRate: 1 });
      expect(await queries.conversationCosts('2026-11-21', '2026-11-22', 'search')).toEqual({ costsNano: [50], sampleRate: 1 });
    });

    it('totals a dimension over the days, by cost', async () => {
      const { queries } = await withSample();
      const byModel = await queries.totals('2026-11-20', '2026-11-23', 'model', {});
      expect(byModel.map(cell)).toEqual([
        ['', 'gpt-4o', 2, 1, 350, 20],
        ['', 'gpt-4o-mini', 3, 0, 110, 12],
        ['', 'claude-haiku', 1, 0, 70, 0],
      ]);
      expect((await queries.totals('2026-11-21', '2026-11-23', 'app', { feature: '(none)' })).map(cell)).toEqual([['', 'support', 2, 0, 10, 12]]);
      // Split or filtered by customer, totals come from the customer rollup: only rows that name one.
      expect((await queries.totals('2026-11-20', '2026-11-23', 'customer', {})).map(cell)).toEqual([['', 'acme', 2, 1, 400, 0]]);
      expect((await queries.totals('2026-11-20', '2026-11-23', 'app', { customer: 'acme' })).map(cell)).toEqual([['', 'support', 2, 1, 400, 0]]);
      expect((await queries.totals('2026-11-20', '2026-11-23', 'feature', { customer: 'acme' })).map(cell)).toEqual([
        ['', '', 1, 1, 300, 0],
        ['', 'chat', 1, 0, 100, 0],
      ]);
    });

    it('splits savings by kind', async () => {
      const { queries } = await withSample();
      expect(await queries.savings('2026-11-20', '2026-11-23', undefined)).toEqual([
        { kind: 'embeddings_cache', savedNano: 9 },
        { kind: 'prompt_cache', savedNano: 5 },
        { kind: 'response_cache', savedNano: 20 },
        { kind: 'routing', savedNano: 3 },
      ]);
      expect(await queries.savings('2026-11-20', '2026-11-23', 'support')).toEqual([
        { kind: 'embeddings_cache', savedNano: 9 },
        { kind: 'routing', savedNano: 3 },
      ]);
    });

    it('pages requests newest first, with filters', async () => {
      const { queries, rows } = await withSample();
      const [a, b, c, d, e, f] = rows as [LedgerRow, LedgerRow, LedgerRow, LedgerRow, LedgerRow, LedgerRow];
      const first = await queries.requests(t0, t0 + 3 * DAY, {}, 2, 0);
      expect(first.total).toBe(6);
      expect(first.rows).toEqual([f, e]);
      expect((await queries.requests(t0, t0 + 3 * DAY, {}, 2, 2)).rows).toEqual([d, c]);
      expect((await queries.requests(t0, t0 + 3 * DAY, {}, 10, 4)).rows).toEqual([b, a]);
      expect((await queries.requests(t0 + HOUR, t0 + DAY + 1000, {}, 10, 0)).rows).toEqual([c, b]);
      const noCustomer = await queries.requests(t0, t0 + 3 * DAY, { customer: '(none)' }, 10, 0);
      expect(noCustomer).toEqual({ total: 4, rows: [f, e, d, c] });
      expect(await queries.requests(t0, t0 + 3 * DAY, { app: 'support', model: 'gpt-4o' }, 10, 0)).toEqual({ total: 1, rows: [b] });
      expect(await queries.requests(t0, t0 + 3 * DAY, { feature: 'chat', app: 'search' }, 10, 0)).toEqual({ total: 1, rows: [c] });
      expect(await queries.requests(t0, t0 + 3 * DAY, { app: 'nobody' }, 10, 0)).toEqual({ total: 0, rows: [] });
    });
  });
}
