import type { Command } from 'commander';
import { Catalog } from '../../catalog/index.js';
import { attentionStatus, buildDigest, digestText, reviewModels, ReviewRepository, sendDigest } from '../../review/index.js';
import { STORE_OPTIONS, type StoreOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { printJson } from '../output.js';
import { cliPeriod, openInstallation } from './review.js';
import { budgetStatus } from './status.js';

interface DigestOptions extends StoreOptions {
  send?: boolean;
  json?: boolean;
}

export function registerDigest(program: Command): void {
  const cmd = program
    .command('digest')
    .description('The weekly digest: spend vs last week, month-end projection vs budgets, top changes, savings, open items per owner')
    .option('--send', "post it to each app owner's webhook (Slack-compatible JSON with a `text` field)")
    .option('--json', 'print JSON');
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  cmd.action(async (opts: DigestOptions) => {
    const { config, storage } = await openInstallation(opts);
    try {
      const now = Date.now();
      const budgets = await budgetStatus(storage.sql, storage.ledger, config, now);
      const repo = new ReviewRepository(storage.sql);
      const catalog = Catalog.load(config.prices, config.dataDir);
      const status = await attentionStatus({ repo, config, catalog, budgets, period: cliPeriod(undefined, undefined, 7), now });
      const review = await reviewModels(repo, catalog, { period: cliPeriod(undefined, undefined, 30), now });
      const digest = await buildDigest({ queries: storage.queries, config, budgets, status, review, now });
      const sent = opts.send ? await sendDigest(digest, config) : undefined;
      if (opts.json) printJson(sent ? { ...digest, sent } : digest);
      else {
        console.log(digestText(digest));
        if (sent?.length === 0) console.log('\nnot sent: no app owner has a webhook (apps.NAME.owner.webhook in the config)');
        for (const s of sent ?? []) console.log(`${s.ok ? 'sent to' : 'FAILED to send to'} ${s.owner} (${s.webhookHost})${s.error ? `: ${s.error}` : ''}`);
      }
      const failed = sent?.filter((s) => !s.ok) ?? [];
      if (failed.length) throw new UsageError(`could not send the digest to ${failed.map((s) => s.owner).join(', ')}`, 1);
    } finally {
      await storage.close();
    }
  });
}
