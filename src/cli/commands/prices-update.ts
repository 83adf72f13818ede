import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadBundledCatalog, type ProviderSet } from '../../catalog/bundled.js';
import { Catalog } from '../../catalog/catalog.js';
import { loadCatalogSource } from '../../catalog/catalog-source.js';
import { diffCatalogs, type CatalogDiff, type ModelListing, type RateChange } from '../../catalog/diff.js';
import { mergeForInstall, readInstalledCatalog, writeInstalledCatalog, type InstalledCatalog } from '../../catalog/installed.js';
import { loadPriceOverrides } from '../../catalog/overrides.js';
import type { Config } from '../../config/schema.js';
import { SQLITE_MIGRATIONS } from '../../db/migrations.js';
import { sqliteClient, type SqlClient } from '../../db/sql-client.js';
import { openSqlite } from '../../db/sqlite.js';
import { SqliteLedgerQueries } from '../../ledger/sqlite/sqlite-queries.js';
import type { LedgerQueries } from '../../ledger/types.js';
import { formatNano, formatUsd } from '../../money/format.js';
import { nanoToUsd } from '../../money/nano.js';
import { reprojectMonth, type AppReprojection, type Reprojection } from '../../review/price-update.js';
import { configFrom, STORE_OPTIONS, type StoreOptions } from '../context.js';
import { printJson, table } from '../output.js';

interface UpdateOptions extends StoreOptions {
  from: string;
  dryRun?: boolean;
  prices?: string;
  json?: boolean;
}

type Ledger = { sql: SqlClient; queries: Pick<LedgerQueries, 'daily'> };

/**
 * The installation's ledger for reading: PostgreSQL with DATABASE_URL, else the SQLite file in the data
 * directory (none yet: undefined, and nothing is created).
 */
async function withLedger<T>(config: Config, fn: (ledger: Ledger) => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T | undefined> {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const [{ PostgresLedger }, { pgClient }] = await Promise.all([import('../../ledger/postgres/index.js'), import('../../db/pg-client.js')]);
    // This command writes no rows; the spool the ledger wants is a throwaway.
    const spoolDir = mkdtempSync(join(tmpdir(), 'burnrate-prices-'));
    const ledger = await PostgresLedger.open(url, { spoolDir, poolMax: 2, ...(env.BURNRATE_PG_SCHEMA ? { schema: env.BURNRATE_PG_SCHEMA } : {}) });
    try {
      return await fn({ sql: pgClient(ledger.pool), queries: ledger.queries() });
    } finally {
      await ledger.close();
      rmSync(spoolDir, { recursive: true, force: true });
    }
  }
  const file = join(config.dataDir, 'burnrate.db');
  if (!existsSync(file)) return undefined;
  const db = openSqlite(file, SQLITE_MIGRATIONS);
  try {
    return await fn({ sql: sqliteClient(db), queries: new SqliteLedgerQueries(db, async () => undefined) });
  } finally {
    db.close();
  }
}

const usd = (n: number | null) => (n === null ? '—' : `$${n}`);
const pct = (n: number | null) => (n === null ? '' : `${n > 0 ? '+' : ''}${n.toFixed(1)}%`);
const rateName = (c: RateChange) => (c.aboveInputTokens === null ? c.kind : `${c.kind} (>${formatCompact(c.aboveInputTokens)} in)`);

function formatCompact(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return String(n);
}

function listModels(title: string, models: ModelListing[], limit = 20): string[] {
  if (models.length === 0) return [];
  const shown = models.slice(0, limit).map((m) => `  ${m.provider}/${m.model}  in ${usd(m.inputPerM)}/M  out ${usd(m.outputPerM)}/M`);
  if (models.length > limit) shown.push(`  … and ${models.length - limit} more (--json lists them all)`);
  return [`${title} (${models.length}):`, ...shown];
}

function printDiff(diff: CatalogDiff): void {
  const changes = diff.changed.flatMap((m) => m.changes.map((c) => [`${m.provider}/${m.model}`, rateName(c), usd(c.old), usd(c.new), pct(c.changePct)]));
  const n = diff.changed.length;
  console.log(`${n} model${n === 1 ? '' : 's'} with new prices, ${diff.added.length} added, ${diff.removed.length} removed`);
  if (changes.length) console.log(`\n${table(['model', 'rate ($ per million tokens)', 'old', 'new', 'change'], changes)}`);
  const lists = [
    ...listModels('\nadded', diff.added),
    ...listModels('\nremoved upstream (kept at their last prices and marked deprecated, so their traffic stays priced)', diff.removed),
  ];
  if (lists.length) console.log(lists.join('\n'));
  if (diff.missingProviders.length) console.log(`\nnot in the new catalog, kept as they are: ${diff.missingProviders.join(', ')}`);
}

function printReprojection(r: Reprojection): void {
  const row = (a: AppReprojection) => [
    a.app,
    formatNano(a.recordedMtdNano),
    formatNano(a.mtdAtNewPricesNano),
    formatUsd(a.projectedUsd),
    formatUsd(a.projectedAtNewPricesUsd),
    `${a.deltaUsd >= 0 ? '+' : ''}${formatUsd(a.deltaUsd)}`,
    pct(a.deltaPct),
  ];
  console.log(`\nMonth ${r.monthStart.slice(0, 7)} re-projected at the new prices (same requests, same tokens; recorded rows are not changed):`);
  if (r.apps.length === 0) return console.log('  no traffic in the ledger this month or in the last 14 days');
  console.log(
    table(
      ['app', 'recorded MTD', 'MTD at new prices', 'projected month', 'at new prices', 'delta', 'delta %'],
      [...r.apps.map(row), ...(r.apps.length > 1 ? [row(r.total)] : [])],
    ),
  );
}

const jsonApp = (a: AppReprojection) => ({
  app: a.app,
  recordedMtdNano: a.recordedMtdNano,
  mtdAtNewPricesNano: a.mtdAtNewPricesNano,
  recordedMtdUsd: nanoToUsd(a.recordedMtdNano),
  mtdAtNewPricesUsd: nanoToUsd(a.mtdAtNewPricesNano),
  projectedUsd: a.projectedUsd,
  projectedAtNewPricesUsd: a.projectedAtNewPricesUsd,
  deltaUsd: a.deltaUsd,
  deltaPct: a.deltaPct,
});

export function registerPricesUpdate(prices: Command): void {
  const cmd = prices
    .command('update')
    .description(
      'Load a newer price catalog, show what changed, re-project the month for each app at the new prices, and install it for this data directory ' +
        '(the gateway uses it from its next start; recorded ledger rows keep the price they were recorded with)',
    )
    .requiredOption(
      '--from <file|package>',
      'a catalog file: the genai-prices data JSON (the file the package updates itself from) or a Burnrate catalog ({ version, providers }); ' +
        'or "package": the installed @pydantic/genai-prices (after npm update @pydantic/genai-prices)',
    )
    .option('--dry-run', 'show the changes and the re-projection, install nothing')
    .option('--prices <file>', 'price override file (default: prices in the config); overridden models keep their prices')
    .option('--json', 'print JSON');
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  cmd.action(async (_opts: UpdateOptions, command: Command) => {
    // Options shared with `prices` are parsed by it wherever they stand: read both levels.
    const opts = command.optsWithGlobals<UpdateOptions>();
    const config = configFrom(opts);
    const pricesFile = opts.prices ?? config.prices;
    const overrides = pricesFile ? loadPriceOverrides(pricesFile) : undefined;
    const progress = (msg: string) => process.stderr.isTTY && !opts.json && process.stderr.write(`${msg}\n`);

    progress(`reading ${opts.from === 'package' ? 'the installed @pydantic/genai-prices' : opts.from}…`);
    const source = loadCatalogSource(opts.from);
    const installed = readInstalledCatalog(config.dataDir);
    const current: ProviderSet = installed ?? loadBundledCatalog();
    const at = new Date();
    const atIso = at.toISOString();

    const currentBare = new Catalog({ base: current });
    const diff = diffCatalogs(currentBare, new Catalog({ base: source }), at);
    const unchanged = diff.changed.length === 0 && diff.added.length === 0 && diff.removed.length === 0;
    const next: InstalledCatalog = {
      format: 'burnrate-catalog',
      version: source.version,
      installedAt: atIso,
      source: source.source === 'package' ? 'package' : resolve(source.source),
      replaced: currentBare.version,
      providers: mergeForInstall(current.providers, source.providers, atIso),
    };
    const withOverrides = (base: ProviderSet) => new Catalog({ base, ...(overrides ? { overrides } : {}) });
    const nextCatalog = withOverrides(next);

    progress('re-projecting the month from the ledger…');
    const reprojection = await withLedger(config, (ledger) =>
      reprojectMonth({ ...ledger, current: withOverrides(current), next: nextCatalog, now: at.getTime() }),
    );

    let installedFile: string | null = null;
    if (!opts.dryRun && !unchanged) {
      mkdirSync(config.dataDir, { recursive: true });
      installedFile = writeInstalledCatalog(config.dataDir, next);
    }

    if (opts.json) {
      return printJson({
        current: { version: currentBare.version, source: installed ? 'installed' : 'bundled' },
        new: { version: nextCatalog.version, source: next.source },
        effectiveFrom: atIso,
        ...diff,
        reprojection: reprojection
          ? { monthStart: reprojection.monthStart, monthEnd: reprojection.monthEnd, apps: reprojection.apps.map(jsonApp), total: jsonApp(reprojection.total) }
          : null,
        installed: installedFile !== null,
        file: installedFile,
      });
    }
    console.log(`price catalog in use: ${currentBare.version} (${installed ? `installed ${installed.installedAt.slice(0, 10)}` : 'bundled'})`);
    console.log(`new price catalog:    ${nextCatalog.version}${next.source === 'package' ? ' (installed package)' : ''}\n`);
    if (unchanged) return console.log('no price changes: nothing to install');
    printDiff(diff);
    if (reprojection) printReprojection(reprojection);
    else console.log(`\nno ledger in ${config.dataDir} yet: nothing to re-project`);
    if (installedFile) {
      console.log(`\ninstalled ${installedFile}: the new prices apply to requests from ${atIso}; restart burnrate serve to use them.`);
    } else {
      console.log('\ndry run: nothing installed');
    }
  });
}
