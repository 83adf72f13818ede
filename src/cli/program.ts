import { Command, CommanderError } from 'commander';
import { UnknownModelError } from '../catalog/errors.js';
import { ValidationError } from '../util/validate.js';
import { UsageError } from './errors.js';

/**
 * Each command's module is loaded only when that command runs (or for --help), so `burnrate
 * forecast` does not pay for loading the gateway.
 */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  forecast: async () => (await import('./commands/forecast.js')).registerForecast,
  prices: async () => (await import('./commands/prices.js')).registerPrices,
  tokens: async () => (await import('./commands/tokens.js')).registerTokens,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  keys: async () => (await import('./commands/keys.js')).registerKeys,
  budgets: async () => (await import('./commands/budgets.js')).registerBudgets,
  report: async () => (await import('./commands/report.js')).registerReport,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  migrate: async () => (await import('./commands/migrate.js')).registerMigrate,
  review: async () => (await import('./commands/review.js')).registerReview,
  status: async () => (await import('./commands/status.js')).registerStatus,
  digest: async () => (await import('./commands/digest.js')).registerDigest,
};

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('burnrate')
    .description('Forecast, meter, cap and cut what AI costs in production')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const name = argv[2];
  const wanted = name && COMMANDS[name] ? [name] : Object.keys(COMMANDS);
  for (const n of wanted) (await COMMANDS[n]!())(program);
  return program;
}

/** Bad input is one line on stderr and exit code 2; anything else is a bug and says so. */
export async function run(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      console.error(`burnrate: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof UnknownModelError || err instanceof ValidationError) {
      console.error(`burnrate: ${err.message}`);
      return 2;
    }
    console.error(`burnrate: internal error: ${(err as Error).message}`);
    return 1;
  }
}
