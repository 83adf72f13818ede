import { Command, CommanderError } from 'commander';
import { UnknownModelError } from '../catalog/index.js';
import { ValidationError } from '../util/validate.js';
import { UsageError } from './errors.js';
import { registerPrices } from './commands/prices.js';
import { registerTokens } from './commands/tokens.js';
import { registerForecast } from './commands/forecast.js';
import { registerServe } from './commands/serve.js';
import { registerKeys } from './commands/keys.js';
import { registerReport } from './commands/report.js';
import { registerBudgets } from './commands/budgets.js';

export function buildProgram(): Command {
  const program = new Command('burnrate')
    .description('Forecast, meter, cap and cut what AI costs in production')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerPrices(program);
  registerTokens(program);
  registerForecast(program);
  registerServe(program);
  registerKeys(program);
  registerReport(program);
  registerBudgets(program);
  return program;
}

/** Bad input is one line on stderr and exit code 2; anything else is a bug and says so. */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
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
