import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dueWeek, sendDueDigest, type DigestDeps } from '../../src/gateway/digest-schedule.js';
import { ConfigSchema } from '../../src/config/index.js';
import { startRig, type TestRig } from '../helpers/gateway.js';

let rig: TestRig;
let hook: Server;
const posts: { path: string; text: string }[] = [];
let deps: DigestDeps;

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', text: (JSON.parse(body) as { text: string }).text });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const webhook = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/ada`;
  rig = await startRig({ apps: { support: { owner: { name: 'Ada', email: 'ada@example.com', webhook } } } });
  const g = rig.gateway;
  deps = { config: g.deps.config, sql: g.sql, ledger: g.deps.ledger, queries: g.queries, budgets: g.deps.budgets, catalog: g.deps.catalog };
});
afterAll(async () => {
  await rig.close();
  await new Promise((r) => hook.close(r));
});

const at = (iso: string) => Date.parse(iso);

describe('weekly digest schedule', () => {
  it('is due from the configured weekday and hour, in the configured time zone', () => {
    const utc = ConfigSchema.parse({}).digest;
    // 2026-11-30 is a Monday; the default is Monday 09:00 UTC.
    expect(dueWeek(utc, at('2026-11-30T08:59:00Z'))).toBeUndefined();
    expect(dueWeek(utc, at('2026-11-30T09:00:00Z'))).toBe('w2026-11-30');
    expect(dueWeek(utc, at('2026-12-03T12:00:00Z'))).toBe('w2026-11-30');
    const ny = ConfigSchema.parse({ digest: { timeZone: 'America/New_York', weekday: 4, hour: 17 } }).digest;
    // Friday 17:00 in New York (EST, UTC−5) is 22:00 UTC.
    expect(dueWeek(ny, at('2026-12-04T21:59:00Z'))).toBeUndefined();
    expect(dueWeek(ny, at('2026-12-04T22:00:00Z'))).toBe('w2026-11-30');
    expect(() => ConfigSchema.parse({ digest: { timeZone: 'Mars/Olympus' } })).toThrow(/time zone/);
  });

  it("posts the digest to each owner's webhook once a week, however often it is checked", async () => {
    expect(await sendDueDigest(deps, at('2026-11-30T08:00:00Z'))).toBeUndefined(); // Monday before 09:00: not due yet
    expect(posts).toHaveLength(0);
    const sent = await sendDueDigest(deps, at('2026-11-30T10:00:00Z'));
    expect(sent).toEqual([{ owner: 'Ada', webhookHost: new URL(deps.config.apps.support!.owner!.webhook!).host, ok: true }]);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toBe('/ada');
    expect(posts[0]!.text).toMatch(/weekly digest/i);
    // Later checks the same week (this instance or another on the same database) send nothing.
    expect(await sendDueDigest(deps, at('2026-11-30T10:10:00Z'))).toBeUndefined();
    expect(await sendDueDigest(deps, at('2026-12-05T10:00:00Z'))).toBeUndefined();
    expect(posts).toHaveLength(1);
    // The next week's goes out.
    expect(await sendDueDigest(deps, at('2026-12-07T09:30:00Z'))).toHaveLength(1);
    expect(posts).toHaveLength(2);
  });

  it('sends nothing when disabled', async () => {
    const off = { ...deps, config: { ...deps.config, digest: { ...deps.config.digest, enabled: false } } };
    expect(await sendDueDigest(off, at('2026-12-14T10:00:00Z'))).toBeUndefined();
    expect(posts).toHaveLength(2);
  });
});
