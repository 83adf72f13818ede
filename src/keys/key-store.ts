import { createHash, randomBytes } from 'node:crypto';
import type { SqliteDb } from '../db/sqlite.js';

export interface ApiKey {
  id: string;
  app: string;
  name: string | null;
  /** The first characters of the key, to recognise it in a list; the key itself is never stored. */
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const APP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidAppName(app: string): boolean {
  return APP_NAME.test(app);
}

interface KeyRow {
  id: string;
  app: string;
  name: string | null;
  prefix: string;
  hash: string;
  created_at: number;
  revoked_at: number | null;
}

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  app: r.app,
  name: r.name,
  prefix: r.prefix,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/**
 * Virtual keys (`br-...`), stored as SHA-256 hashes. Lookups on the hot path hit an in-memory map;
 * a miss (a key created by another process) reads the database once and is remembered, and the map
 * is refreshed every `refreshMs` so a revocation made elsewhere takes effect within that time.
 */
export class KeyStore {
  private byHash = new Map<string, ApiKey | null>();
  private loadedAt = 0;

  constructor(
    private readonly db: SqliteDb,
    private readonly refreshMs = 2000,
  ) {}

  create(app: string, name?: string): { key: ApiKey; secret: string } {
    if (!isValidAppName(app)) throw new Error(`invalid app name "${app}": use letters, digits, ".", "_" or "-" (max 64)`);
    const secret = `br-${randomBytes(24).toString('base64url')}`;
    const hash = hashSecret(secret);
    const row: KeyRow = {
      id: `key_${randomBytes(6).toString('hex')}`,
      app,
      name: name ?? null,
      prefix: secret.slice(0, 7),
      hash,
      created_at: Date.now(),
      revoked_at: null,
    };
    this.db
      .prepare('INSERT INTO api_keys (id, app, name, prefix, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, row.app, row.name, row.prefix, row.hash, row.created_at, row.revoked_at);
    const key = toKey(row);
    this.byHash.set(hash, key);
    return { key, secret };
  }

  list(): ApiKey[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at').all() as KeyRow[]).map(toKey);
  }

  /** Revokes by id; returns false when there is no such key. */
  revoke(id: string): boolean {
    const changed = this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(Date.now(), id).changes;
    this.byHash.clear();
    return changed === 1 || this.list().some((k) => k.id === id);
  }

  /** The active key for a presented secret, or undefined (unknown or revoked). */
  authenticate(secret: string): ApiKey | undefined {
    const now = Date.now();
    if (now - this.loadedAt > this.refreshMs) {
      this.byHash.clear();
      this.loadedAt = now;
    }
    if (secret.length > 200) return undefined;
    const hash = hashSecret(secret);
    let key = this.byHash.get(hash);
    if (key === undefined) {
      const row = this.db.prepare('SELECT * FROM api_keys WHERE hash = ?').get(hash) as KeyRow | undefined;
      key = row ? toKey(row) : null;
      this.byHash.set(hash, key);
    }
    return key && key.revokedAt === null ? key : undefined;
  }
}
