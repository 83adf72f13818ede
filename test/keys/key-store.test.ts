import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite.js';
import { SQLITE_MIGRATIONS } from '../../src/db/migrations.js';
import { AdminToken, KeyStore, hashSecret } from '../../src/keys/index.js';

describe('virtual keys', () => {
  it('stores only a hash, authenticates, and stops on revoke', () => {
    const db = openSqlite(':memory:', SQLITE_MIGRATIONS);
    const keys = new KeyStore(db);
    const { key, secret } = keys.create('support', 'prod');
    expect(secret).toMatch(/^br-[A-Za-z0-9_-]{32}$/);
    const stored = db.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored[0]!.hash).toBe(hashSecret(secret));
    expect(keys.authenticate(secret)?.app).toBe('support');
    expect(keys.authenticate('br-wrong')).toBeUndefined();
    expect(keys.revoke(key.id)).toBe(true);
    expect(keys.authenticate(secret)).toBeUndefined();
    expect(keys.revoke('key_nope')).toBe(false);
  });

  it('sees keys created by another process (another KeyStore on the same file)', () => {
    const db = openSqlite(':memory:', SQLITE_MIGRATIONS);
    const server = new KeyStore(db);
    expect(server.authenticate('br-x')).toBeUndefined();
    const { secret } = new KeyStore(db).create('batch');
    expect(server.authenticate(secret)?.app).toBe('batch');
  });

  it('rejects a bad app name', () => {
    const keys = new KeyStore(openSqlite(':memory:', SQLITE_MIGRATIONS));
    expect(() => keys.create('no spaces')).toThrow(/invalid app name/);
  });

  it('generates the admin token once and keeps only its hash', () => {
    const db = openSqlite(':memory:', SQLITE_MIGRATIONS);
    const first = new AdminToken(db, undefined);
    expect(first.generated).toMatch(/^bra-/);
    const second = new AdminToken(db, undefined);
    expect(second.generated).toBeUndefined();
    expect(second.verify(first.generated)).toBe(true);
    expect(second.verify('bra-wrong')).toBe(false);
    expect(new AdminToken(db, 'from-env').verify('from-env')).toBe(true);
  });
});
