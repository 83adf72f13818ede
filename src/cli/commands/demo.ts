import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigSchema } from '../../config/schema.js';
import { UsageError } from '../errors.js';
import { progressBar } from '../progress.js';
import { printJson } from '../output.js';
import { formatUsd } from '../../money/format.js';

interface DemoOptions {
  port: string;
  dataDir: string;
  days: string;
  reset?: boolean;
  serve: boolean;
  json?: boolean;
}

/** The demo's configuration: budgets, a routing rule and caching, so every page has something to show. */
function demoConfig(port: number, dataDir: string) {
  return ConfigSchema.parse({
    port,
    dataDir,
    budgets: [
      { id: 'company-month', scope: 'global', limitUsd: 2500, period: 'month', mode: 'soft' },
      { id: 'support-bot-month', scope: 'app', match: 'support-bot', limitUsd: 1500, period: 'month' },
      { id: 'per-customer-day', scope: 'customer', limitUsd: 5, period: 'day', onLimit: 'downgrade', downgradeTo: 'sim/gpt-4o-mini' },
    ],
    routing: { aliases: { fast: 'sim/gpt-4o-mini', smart: 'sim/claude-sonnet-4-5' }, rules: [{ name: 'small-tasks', when: { task: ['classify', 'route', 'extract'] }, model: 'sim/gpt-4o-mini' }] },
    apps: {
      // The live requests below go through the real pipeline; keeping them all shows the review queue at work.
      'support-bot': { cache: { enabled: true, embeddings: true }, storeContent: true, reviewSampleRate: 1 },
      'knowledge-assistant': { cache: { embeddings: true } },
    },
    simulated: { latencyMs: 150, tokensPerSecond: 0, cacheReadRatio: 0.3 },
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Start the gateway on the simulated provider with a month of realistic traffic, and print the dashboard URL')
    .option('-p, --port <port>', 'port to listen on', '4000')
    .option('-d, --data-dir <dir>', 'data directory of the demo (kept apart from real data)', '.burnrate-demo')
    .option('--days <n>', 'days of traffic to generate', '30')
    .option('--reset', 'start from an empty demo ledger')
    .option('--no-serve', 'generate the data, print the summary and exit')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: DemoOptions) => {
      const port = Number(opts.port);
      const days = Number(opts.days);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port: ${opts.port}`);
      if (!Number.isInteger(days) || days < 1 || days > 90) throw new UsageError(`--days must be 1 to 90, got ${opts.days}`);
      if (opts.reset) rmSync(opts.dataDir, { recursive: true, force: true });
      const { startGateway } = await import('../../gateway/server.js');
      const { seedDemo } = await import('../../demo/seed.js');
      const adminToken = process.env.BURNRATE_ADMIN_TOKEN ?? `bra-demo-${randomBytes(12).toString('base64url')}`;
      // The demo always runs embedded (SQLite, in-process state), whatever DATABASE_URL or REDIS_URL say.
      const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
      const gateway = await startGateway({ config: demoConfig(port, opts.dataDir), env: { ...env, BURNRATE_ADMIN_TOKEN: adminToken } });
      const db = gateway.db!;
      const existing = (db.prepare('SELECT COUNT(*) AS n FROM ledger').get() as { n: number }).n;
      let seeded = 0;
      if (existing === 0) seeded = (await seedDemo(gateway, { days, onProgress: opts.json ? undefined : progressBar('generating a month of traffic') })).requests;
      // A few live requests through the real gateway, as an SDK would send them.
      const key = (await gateway.deps.keys.create('support-bot', 'demo')).secret;
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-burnrate-feature': 'chat', 'x-burnrate-customer': `cust-live-${i}` },
          body: JSON.stringify({ model: 'sim/claude-sonnet-4-5', messages: [{ role: 'user', content: `Live question ${i}: where is my order?` }] }),
        });
        await res.arrayBuffer();
      }
      await gateway.deps.ledger.flush();
      const total = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(cost_nano), 0) AS cost FROM ledger').get() as { n: number; cost: number };
      const summary = { url: `${gateway.url}/`, adminToken, requests: total.n, generated: seeded, costUsd: total.cost / 1e9, apiKey: key, dataDir: opts.dataDir };
      if (opts.json) printJson(summary);
      else {
        console.log(`\nBurnrate demo: ${summary.requests.toLocaleString('en-US')} requests in the ledger, ${formatUsd(summary.costUsd)} of simulated spend.`);
        console.log(`  dashboard:   ${summary.url}`);
        console.log(`  admin token: ${adminToken}   (paste it on the login page)`);
        console.log(`  try it:      curl ${gateway.url}/v1/chat/completions -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\`);
        console.log(`                 -d '{"model":"sim/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}' -i`);
      }
      if (!opts.serve) {
        await gateway.close();
        return;
      }
      if (!opts.json) console.log('\nServing until Ctrl-C.');
      await new Promise<void>((resolve) => {
        const stop = () => void gateway.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
