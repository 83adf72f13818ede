import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite.js';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { sqliteClient } from '../../src/db/sql-client.js';
import { AdminToken, KeyStore, hashSecret } from '../../src/keys/index.js';

const newDb = () => {
  const db = openSqlite(':memory:', SQLITE_MIGRATIONS);
  return { db, sql: sqliteClient(db) };
};

describe('virtual keys', () => {
  it('stores only a hash, authenticates, and stops on revoke', async () => {
    const { db, sql } = newDb();
    const keys = new KeyStore(sql);
    const { key, secret } = await keys.create('support', 'prod');
    expect(secret).toMatch(/^br-[A-Za-z0-9_-]{32}$/);
    const stored = db.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored[0]!.hash).toBe(hashSecret(secret));
    expect(keys.authenticate(secret)?.app).toBe('support');
    expect(keys.authenticate('br-wrong')).toBeUndefined();
    expect(await keys.revoke(key.id)).toBe(true);
    expect(keys.authenticate(secret)).toBeUndefined();
    expect(await keys.revoke('key_nope')).toBe(false);
  });

  it('sees keys created by another process (another KeyStore on the same database) at once', async () => {
    const { sql } = newDb();
    const server = new KeyStore(sql);
    await server.refresh();
    expect(server.authenticate('br-x')).toBeUndefined();
    const { secret } = await new KeyStore(sql).create('batch');
    expect(server.authenticate(secret)?.app).toBe('batch');
  });

  it('stops a key revoked by another process at the next reload, though this one remembers its hash', async () => {
    const { sql } = newDb();
    const server = new KeyStore(sql);
    const { key, secret } = await new KeyStore(sql).create('batch');
    expect(server.authenticate(secret)?.app).toBe('batch');
    expect(server.authenticate(secret)?.app).toBe('batch'); // from the remembered hash
    await new KeyStore(sql).revoke(key.id);
    await server.refresh();
    expect(server.authenticate(secret)).toBeUndefined();
  });

  it('rejects a bad app name', async () => {
    const keys = new KeyStore(newDb().sql);
    await expect(keys.create('no spaces')).rejects.toThrow(/invalid app name/);
  });

  it('generates the admin token once and keeps only its hash', async () => {
    const { sql } = newDb();
    const first = await AdminToken.load(sql, undefined);
    expect(first.generated).toMatch(/^bra-/);
    const second = await AdminToken.load(sql, undefined);
    expect(second.generated).toBeUndefined();
    expect(second.verify(first.generated)).toBe(true);
    expect(second.verify('bra-wrong')).toBe(false);
    expect((await AdminToken.load(sql, 'from-env')).verify('from-env')).toBe(true);
  });
});

describe('key hashing', () => {
  it('stays the SHA-256 hex that stored keys were hashed with', async () => {
    const { createHash } = await import('node:crypto');
    const { digest } = await import('../../src/util/digest.js');
    const secret = 'br-0123456789abcdefghijklmnopqrstuv';
    expect(hashSecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    const bytes = Buffer.from('{"model":"gpt-4o-mini"}');
    expect(digest('sha1', bytes, 'base64url')).toBe(createHash('sha1').update(bytes).digest('base64url'));
  });
});
