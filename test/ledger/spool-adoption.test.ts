import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptOrphanSpools } from '../../src/ledger/postgres/index.js';
import { makeRow } from '../helpers/rows.js';

describe('PostgreSQL spool adoption', () => {
  it("moves a stopped process's spooled rows into the new process's spool and leaves live ones", async () => {
    const parent = mkdtempSync(join(tmpdir(), 'burnrate-spools-'));
    try {
      const dead = join(parent, 'spool-4194305'); // no process can have this pid
      const live = join(parent, `spool-${process.ppid}`);
      const own = join(parent, `spool-${process.pid}`);
      const rows = [makeRow(), makeRow()];
      for (const d of [dead, live, own]) mkdirSync(d);
      writeFileSync(join(own, 'ledger-spool.jsonl'), `${JSON.stringify(rows[0])}\n`);
      writeFileSync(join(dead, 'ledger-spool.jsonl'), `${JSON.stringify(rows[1])}\n`);
      writeFileSync(join(live, 'ledger-spool.jsonl'), `${JSON.stringify(makeRow())}\n`);
      await adoptOrphanSpools(parent, own);
      const ids = readFileSync(join(own, 'ledger-spool.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
      expect(ids).toEqual(rows.map((r) => r.id));
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(join(live, 'ledger-spool.jsonl'))).toBe(true);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
