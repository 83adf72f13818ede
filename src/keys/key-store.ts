import { randomBytes } from 'node:crypto';
import { digest } from '../util/digest.js';
import type { SqlClient } from '../db/sql-client.js';
import { BackgroundReload } from '../util/background-reload.js';

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
  return digest('sha256', secret, 'hex');
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
  created_at: number | string;
  revoked_at: number | string | null;
}

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  app: r.app,
  name: r.name,
  prefix: r.prefix,
  createdAt: Number(r.created_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

/**
 * Virtual keys (`br-...`), stored as SHA-256 hashes. Authentication on the hot path reads an
 * in-memory map of every key, reloaded every `refreshMs` so keys created or revoked by another
 * process (the CLI, another gateway instance) take effect within that time; on SQLite a miss also
 * reads the database at once.
 */
export class KeyStore {
  private byHash = new Map<string, ApiKey>();
  private misses = new Set<string>();
  /**
   * The hashes of known keys presented lately: a SHA-256 per request was ~2 µs of the gateway's event
   * loop. Only hashes are stored or compared; this memo lives in the process's memory, which holds
   * every request's headers (and the provider secrets) anyway.
   */
  private readonly hashes = new Map<string, string>();
  private readonly reload: BackgroundReload;

  /** Reloads every `refreshMs` in the background, so changes made elsewhere arrive even while idle. */
  startRefreshing(): void {
    this.reload.start();
  }

  stopRefreshing(): void {
    this.reload.stop();
  }

  constructor(
    private readonly sql: SqlClient,
    refreshMs = 2000,
  ) {
    this.reload = new BackgroundReload(() => this.load(), refreshMs);
  }

  /** Loads every key into memory (call once before serving). */
  refresh(): Promise<void> {
    return this.reload.now();
  }

  private async load(): Promise<void> {
    const rows = await this.sql.all<KeyRow>('SELECT * FROM api_keys');
    this.byHash = new Map(rows.map((r) => [r.hash, toKey(r)]));
    this.misses.clear();
  }

  async create(app: string, name?: string): Promise<{ key: ApiKey; secret: string }> {
    if (!isValidAppName(app)) throw new Error(`invalid app name "${app}": use letters, digits, ".", "_" or "-" (max 64)`);
    const secret = `br-${randomBytes(24).toString('base64url')}`;
    const hash = hashSecret(secret);
    const key: ApiKey = { id: `key_${randomBytes(6).toString('hex')}`, app, name: name ?? null, prefix: secret.slice(0, 7), createdAt: Date.now(), revokedAt: null };
    await this.sql.run('INSERT INTO api_keys (id, app, name, prefix, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [key.id, key.app, key.name, key.prefix, hash, key.createdAt, null]);
    this.byHash.set(hash, key);
    this.misses.delete(hash);
    return { key, secret };
  }

  async list(): Promise<ApiKey[]> {
    return (await this.sql.all<KeyRow>('SELECT * FROM api_keys ORDER BY created_at')).map(toKey);
  }

  /** Revokes by id; returns false when there is no such key. */
  async revoke(id: string): Promise<boolean> {
    await this.sql.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [Date.now(), id]);
    const exists = (await this.sql.all<KeyRow>('SELECT * FROM api_keys WHERE id = ?', [id])).length > 0;
    await this.refresh();
    return exists;
  }

  /** The active key for a presented secret, or undefined (unknown or revoked). Never waits. */
  authenticate(secret: string): ApiKey | undefined {
    if (!secret || secret.length > 200) return undefined;
    this.reload.ifStale();
    const memo = this.hashes.get(secret);
    const hash = memo ?? hashSecret(secret);
    let key = this.byHash.get(hash);
    if (!key && this.sql.allSync && !this.misses.has(hash)) {
      const row = this.sql.allSync<KeyRow>('SELECT * FROM api_keys WHERE hash = ?', [hash])[0];
      if (row) this.byHash.set(hash, (key = toKey(row)));
      else if (this.misses.size < 10_000) this.misses.add(hash);
    }
    if (key && memo === undefined) {
      if (this.hashes.size >= 1000) this.hashes.clear();
      this.hashes.set(secret, hash);
    }
    return key && key.revokedAt === null ? key : undefined;
  }

  /**
   * `authenticate`, then, for a key this process has not seen yet (created on another instance a
   * moment ago), one read of the database. Unknown hashes are remembered until the next reload.
   */
  async lookup(secret: string): Promise<ApiKey | undefined> {
    const known = this.authenticate(secret);
    if (known || !secret || secret.length > 200) return known;
    const hash = hashSecret(secret);
    if (this.misses.has(hash)) return undefined;
    const row = (await this.sql.all<KeyRow>('SELECT * FROM api_keys WHERE hash = ?', [hash]))[0];
    if (!row) {
      if (this.misses.size < 10_000) this.misses.add(hash);
      return undefined;
    }
    const key = toKey(row);
    this.byHash.set(hash, key);
    return key.revokedAt === null ? key : undefined;
  }
}
