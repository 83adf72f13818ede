import type { Command } from 'commander';
import { KeyStore } from '../../keys/index.js';
import { UsageError } from '../errors.js';
import { openStore, STORE_OPTIONS, type StoreOptions } from '../context.js';
import { printJson, table } from '../output.js';

function withStore(cmd: Command): Command {
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  return cmd.option('--json', 'print JSON');
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke virtual keys (one app per key)');

  withStore(keys.command('create').description('Create a key for an app; the key is printed once').requiredOption('--app <name>', 'the app this key meters').option('--name <name>', 'a label'))
    .action(async (opts: StoreOptions & { app: string; name?: string; json?: boolean }) => {
      const { db, sql } = openStore(opts);
      let created;
      try {
        created = await new KeyStore(sql).create(opts.app, opts.name);
      } catch (err) {
        throw new UsageError((err as Error).message);
      } finally {
        db.close();
      }
      if (opts.json) return printJson({ ...created.key, key: created.secret });
      console.log(`${created.secret}\n(key ${created.key.id} for app ${created.key.app}: shown once, stored hashed)`);
    });

  withStore(keys.command('list').description('List keys (never the secrets)')).action(async (opts: StoreOptions & { json?: boolean }) => {
    const { db, sql } = openStore(opts);
    const list = await new KeyStore(sql).list();
    db.close();
    if (opts.json) return printJson(list);
    if (list.length === 0) return console.log('no keys yet: burnrate keys create --app NAME');
    console.log(table(['id', 'app', 'name', 'prefix', 'created', 'status'], list.map((k) => [k.id, k.app, k.name ?? '', `${k.prefix}…`, new Date(k.createdAt).toISOString().slice(0, 19), k.revokedAt ? 'revoked' : 'active'])));
  });

  withStore(keys.command('revoke').description('Revoke a key by id').argument('<id>', 'key id (key_...)')).action(async (id: string, opts: StoreOptions & { json?: boolean }) => {
    const { db, sql } = openStore(opts);
    const ok = await new KeyStore(sql).revoke(id);
    db.close();
    if (!ok) throw new UsageError(`no key ${id}`);
    if (opts.json) return printJson({ id, revoked: true });
    console.log(`revoked ${id}`);
  });
}
