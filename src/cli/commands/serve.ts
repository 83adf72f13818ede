import type { Command } from 'commander';
import { startGateway } from '../../gateway/server.js';
import { UsageError } from '../errors.js';
import { configFrom, STORE_OPTIONS, type StoreOptions } from '../context.js';

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('Run the gateway and the admin API (and the dashboard) in one process')
    .option('-p, --port <port>', 'port to listen on (default 4000, or port in the config)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)');
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  cmd.action(async (opts: StoreOptions & { port?: string; host?: string }) => {
    const config = configFrom(opts);
    if (opts.port !== undefined) {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid port: ${opts.port}`);
      config.port = port;
    }
    if (opts.host) config.host = opts.host;
    const gateway = await startGateway({ config });
    console.log(`burnrate: gateway listening on ${gateway.url}  (data: ${config.dataDir})`);
    console.log(`  OpenAI SDKs:    baseURL ${gateway.url}/v1   Anthropic SDKs: baseURL ${gateway.url}`);
    console.log(`  upstreams: ${gateway.deps.upstreams.map((u) => u.name).join(', ')}`);
    if (gateway.generatedAdminToken) {
      console.log(`  admin token (shown once, stored hashed; set BURNRATE_ADMIN_TOKEN to choose your own):\n    ${gateway.generatedAdminToken}`);
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        console.log('burnrate: shutting down, flushing the ledger');
        void gateway.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}
