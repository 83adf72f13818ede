import { readFileSync } from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import { ValidationError } from '../util/validate.js';
import { parseScenario, type Scenario } from './schema.js';

/** Reads a scenario from YAML or JSON; any failure is one line naming the file (and the field). */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ValidationError(`cannot read scenario ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // YAML errors carry a multi-line code frame; the first line says what and where.
    throw new ValidationError(`invalid scenario ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseScenario(raw ?? {}, `invalid scenario ${file}`);
}
