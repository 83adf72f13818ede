import { formatCount } from '../../money/format.js';
import type { Command } from 'commander';
import { Catalog } from '../../catalog/index.js';
import { configFrom, STORE_OPTIONS, type StoreOptions } from '../context.js';
import { printJson, table } from '../output.js';
import { registerPricesUpdate } from './prices-update.js';

export function registerPrices(program: Command): void {
  const prices = program
    .command('prices')
    .description('List models with their prices per million tokens and context window; `prices update` installs newer prices')
    .argument('[pattern]', 'substring of provider/model, or a glob like "openai/gpt-4o*"')
    .option('--prices <file>', 'price override file (YAML or JSON; default: prices in the config)')
    .option('--json', 'print JSON');
  for (const [flags, description] of STORE_OPTIONS) prices.option(flags, description);
  registerPricesUpdate(prices);
  prices.action((pattern: string | undefined, opts: StoreOptions & { prices?: string; json?: boolean }) => {
    // The catalog the gateway uses: the one `prices update` installed in the data directory, else the bundled one.
    const config = configFrom(opts);
    const catalog = Catalog.load(opts.prices ?? config.prices, config.dataDir);
    const rows = catalog.list(pattern).map((m) => {
      const v = catalog.versionAt(m);
      return {
        provider: m.provider,
        model: m.id,
        inputPerM: v.rates.input ?? null,
        outputPerM: v.rates.output ?? null,
        cacheReadPerM: v.rates.cache_read ?? null,
        cacheWritePerM: v.rates.cache_write ?? null,
        batchDiscount: catalog.batchDiscount(m),
        tiers: v.tiers.map((t) => ({ aboveInputTokens: t.aboveInputTokens, ...t.rates })),
        contextWindow: m.contextWindow ?? null,
        source: m.source,
      };
    });
    if (opts.json) return printJson({ catalogVersion: catalog.version, models: rows });
    if (rows.length === 0) {
      console.log(`no model matches "${pattern}"`);
      return;
    }
    const num = (n: number | null) => (n === null ? '-' : `$${n}`);
    console.log(
      table(
        ['provider', 'model', 'input/M', 'output/M', 'cache read/M', 'cache write/M', 'context'],
        rows.map((r) => [
          r.provider,
          r.model + (r.tiers.length ? ' (tiered)' : ''),
          num(r.inputPerM),
          num(r.outputPerM),
          num(r.cacheReadPerM),
          num(r.cacheWritePerM),
          r.contextWindow ? formatCount(r.contextWindow) : '-',
        ]),
      ),
    );
    console.log(`\n${rows.length} models, catalog ${catalog.version}`);
  });
}
