import { existsSync, readFileSync } from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import { parseOrThrow, ValidationError } from '../util/validate.js';
import { ConfigSchema, type Config } from './schema.js';

/**
 * Reads burnrate.yaml (or the given file). No file means the defaults: every setting has one.
 * An explicitly named file that does not exist is an error.
 */
export function loadConfig(file?: string): Config {
  const path = file ?? 'burnrate.yaml';
  if (!existsSync(path)) {
    if (file) throw new ValidationError(`config file ${file} not found`);
    return ConfigSchema.parse({});
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ValidationError(`cannot parse ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseOrThrow(ConfigSchema, raw ?? {}, `invalid config ${path}`);
}
