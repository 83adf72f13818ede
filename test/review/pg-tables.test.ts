import { afterAll, describe, expect, it } from 'vitest';
import { PG_CONTROL_PLANE_SQL } from '../../src/db/pg-client.js';
import { adminClient, newSchema } from '../ledger/pg-helpers.js';
import { BACKENDS } from './helpers.js';

describe.runIf(BACKENDS.some((b) => b.name === 'PostgreSQL'))('the review tables on PostgreSQL', () => {
  const schema = newSchema();
  afterAll(async () => {
    const admin = await adminClient();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('are created once by instances starting together on an empty database, and again without error', async () => {
    const admin = await adminClient();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const clients = await Promise.all([0, 1, 2].map(() => adminClient(schema)));
    try {
      await Promise.all(clients.map((c) => c.query(PG_CONTROL_PLANE_SQL)));
      await clients[0]!.query(PG_CONTROL_PLANE_SQL);
      const { rows } = await clients[0]!.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('feedback', 'app_reviews', 'attention_acks') ORDER BY table_name`,
        [schema],
      );
      expect(rows.map((r) => r.table_name)).toEqual(['app_reviews', 'attention_acks', 'feedback']);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});
