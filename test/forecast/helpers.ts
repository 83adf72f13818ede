import { Catalog } from '../../src/catalog/index.js';
import { forecast, parseScenario, type ForecastOptions, type ScenarioInput } from '../../src/forecast/index.js';

export const catalog = new Catalog();

/** Forecast a scenario given as plain data; few samples unless a test is about sampling. */
export function run(input: ScenarioInput, options: ForecastOptions = {}) {
  return forecast(parseScenario(input), catalog, { samples: 50, ...options });
}

/** Dollars to whole nano-dollars, to compare money exactly. */
export const nano = (usd: number) => Math.round(usd * 1e9);
