import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Catalog } from '../../catalog/index.js';
import { nearest } from '../../catalog/suggest.js';
import type { Scenario } from '../../forecast/index.js';
import { configFrom, STORE_OPTIONS, type StoreOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { printJson, table } from '../output.js';

// The forecaster is loaded when the command runs, so other commands don't pay for it at start-up.
type ForecastModule = typeof import('../../forecast/index.js');

interface ForecastOptions extends StoreOptions {
  archetype?: string;
  archetypes?: boolean;
  listArchetypes?: boolean;
  model?: string;
  inputTokens?: string;
  outputTokens?: string;
  perDay?: string;
  compare?: string;
  prices?: string;
  samples?: string;
  seed?: string;
  json?: boolean;
  html?: string;
}

function number(flag: string, value: string, { integer = false, min = 0, max = Infinity } = {}): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new UsageError(`${flag} must be ${kind} ≥ ${min}${max === Infinity ? '' : ` and ≤ ${max}`}, not "${value}"`);
  }
  return n;
}

function listArchetypes({ ARCHETYPES }: ForecastModule, json: boolean): void {
  if (json) return printJson(ARCHETYPES.map(({ id, description, articleRangeUsd }) => ({ id, description, articleRangeUsd })));
  console.log(table(['archetype', 'description'], ARCHETYPES.map((a) => [a.id, a.description])));
}

/** Exactly one source: a scenario file, an archetype, or the quick flags. */
function scenarioFrom(f: ForecastModule, file: string | undefined, opts: ForecastOptions): Scenario {
  const { ARCHETYPES, findArchetype, loadScenario, parseScenario, quickScenario } = f;
  const quick = opts.model !== undefined || opts.inputTokens !== undefined || opts.outputTokens !== undefined || opts.perDay !== undefined;
  const sources = [file !== undefined, opts.archetype !== undefined, quick].filter(Boolean).length;
  if (sources !== 1) {
    throw new UsageError(
      `give one of: a scenario file, --archetype ID, or --model with --input-tokens, --output-tokens and --per-day${sources > 1 ? ' (not several)' : ''}`,
    );
  }
  if (file !== undefined) return loadScenario(file);
  if (opts.archetype !== undefined) {
    const found = findArchetype(opts.archetype);
    if (!found) {
      const near = nearest(opts.archetype, ARCHETYPES.map((a) => a.id));
      throw new UsageError(`unknown archetype "${opts.archetype}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; see --archetypes`);
    }
    return parseScenario(found.scenario, `invalid archetype ${found.id}`);
  }
  const { model, inputTokens, outputTokens, perDay } = opts;
  if (!model || inputTokens === undefined || outputTokens === undefined || perDay === undefined) {
    throw new UsageError('the quick forecast needs --model, --input-tokens, --output-tokens and --per-day');
  }
  return parseScenario(
    quickScenario({
      model,
      inputTokens: number('--input-tokens', inputTokens, { integer: true }),
      outputTokens: number('--output-tokens', outputTokens, { integer: true }),
      perDay: number('--per-day', perDay),
    }),
  );
}

export function registerForecast(program: Command): void {
  const cmd = program
    .command('forecast')
    .description('Forecast what an AI feature will cost a month: API, infrastructure, people, ranges, 12 months ahead')
    .argument('[scenario]', 'scenario file (YAML or JSON); see docs/forecast.md')
    .option('--archetype <id>', 'start from a built-in archetype (see --archetypes)')
    .option('--archetypes', 'list the built-in archetypes')
    .option('--list-archetypes', 'same as --archetypes')
    .option('-m, --model <model>', 'quick forecast: the model')
    .option('--input-tokens <n>', 'quick forecast: input tokens per interaction')
    .option('--output-tokens <n>', 'quick forecast: output tokens per interaction')
    .option('--per-day <n>', 'quick forecast: interactions per day')
    .option('--compare <models>', 'comma-separated models to price the same scenario on, e.g. gpt-4o-mini,claude-haiku-4-5')
    .option('--prices <file>', 'price override file (YAML or JSON; default: prices in the config)')
    .option('--samples <n>', 'Monte-Carlo samples', '2000')
    .option('--seed <n>', 'Monte-Carlo seed', '1')
    .option('--json', 'print JSON')
    .option('--html <file>', 'also write a one-page HTML report to FILE');
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  cmd.action(async (file: string | undefined, opts: ForecastOptions) => {
      const f = await import('../../forecast/index.js');
      if (opts.archetypes || opts.listArchetypes) return listArchetypes(f, opts.json ?? false);
      const scenario = scenarioFrom(f, file, opts);
      const compare = (opts.compare ?? '').split(',').map((m) => m.trim()).filter(Boolean);
      // The prices the gateway uses: an installed `prices update` in the data directory, else the bundled ones.
      const config = configFrom(opts);
      const result = f.forecast(scenario, Catalog.load(opts.prices ?? config.prices, config.dataDir), {
        compare,
        samples: number('--samples', opts.samples ?? '2000', { integer: true, min: 1, max: 100_000 }),
        seed: number('--seed', opts.seed ?? '1', { integer: true, max: 2 ** 32 - 1 }),
      });
      if (opts.html) {
        const { renderHtml } = await import('../../forecast/html.js');
        try {
          writeFileSync(opts.html, renderHtml(result));
        } catch (err) {
          throw new UsageError(`cannot write ${opts.html}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }
      if (opts.json) printJson(result);
      else console.log((await import('../forecast-text.js')).renderForecastText(result));
      if (opts.html) console.error(`wrote ${opts.html}`);
    });
}
