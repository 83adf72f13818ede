import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/util/validate.js';
import { loadScenario, parseScenario, ScenarioSchema, type ScenarioInput } from '../../src/forecast/index.js';
import { run } from './helpers.js';

const minimal: ScenarioInput = { traffic: { interactionsPerDay: 10 }, perTurn: { outputTokens: 100 }, model: 'gpt-4o' };
const error = (data: unknown) => {
  try {
    parseScenario(data);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
};

describe('scenario schema', () => {
  it('fills in defaults: a 30-day month, no growth, one turn, safety factor 2, maintenance 10–20 %', () => {
    const s = parseScenario({ ...minimal, maintenance: { buildCostUsd: 15000 } });
    expect(s.traffic.workingDaysPerMonth.expected).toBe(30);
    expect(s.traffic.monthlyGrowth.expected).toBe(0);
    expect(s.traffic.turnsPerConversation.expected).toBe(1);
    expect(s.safetyFactor).toBe(2);
    expect(s.maintenance!.monthlyShare.toJSON()).toEqual({ low: 0.1, expected: 0.15, high: 0.2 });
    expect(s.models).toEqual([expect.objectContaining({ model: 'gpt-4o', batch: false })]);
  });

  it('accepts any number as {low, expected, high}', () => {
    const s = parseScenario({ ...minimal, perTurn: { outputTokens: { low: 50, expected: 100, high: 300 } } });
    expect(s.perTurn.outputTokens).toMatchObject({ low: 50, expected: 100, high: 300 });
  });

  it('names the path of a bad field', () => {
    expect(error({ ...minimal, perTurn: { outputTokens: -5 } })).toBe('invalid scenario: perTurn.outputTokens: must be ≥ 0 and ≤ 10000000');
    expect(error({ ...minimal, perTurn: { outputTokens: 'many' } })).toMatch(/^invalid scenario: perTurn\.outputTokens: expected a number or \{low, expected, high\}/);
    expect(error({ ...minimal, perTurn: { outputTokens: { low: 3, expected: 2, high: 4 } } })).toMatch(/perTurn\.outputTokens: needs low ≤ expected ≤ high/);
    expect(error({ ...minimal, caching: { promptCacheShare: 1.5 } })).toMatch(/caching\.promptCacheShare: must be ≥ 0 and ≤ 1/);
    expect(error({ ...minimal, models: [{ model: 'gpt-4o', share: 0 }], model: undefined })).toMatch(/models\.0\.share: must be > 0/);
    expect(error({ ...minimal, perTurn: { outputTokens: 1, ragTokens: 5 } })).toMatch(/perTurn: Unrecognized key: "ragTokens"/);
    expect(error({ ...minimal, traffic: { interactionsPerDay: 1, conversationsPerDay: 1 } })).toMatch(/traffic: give exactly one of/);
    expect(error({ ...minimal, models: [{ model: 'gpt-4o' }] })).toMatch(/models: give exactly one of model, models/);
  });

  it('keeps an error to one line', () => {
    expect(error({})).not.toMatch(/\n/);
  });

  it('accepts JSON, as POST /api/forecast will send it', () => {
    const json = JSON.stringify({ ...minimal, perTurn: { outputTokens: { low: 1, expected: 2, high: 3 } } });
    expect(ScenarioSchema.safeParse(JSON.parse(json)).success).toBe(true);
  });

  it('echoes the scenario back as written: numbers, or {low, expected, high}', () => {
    const s = parseScenario({ ...minimal, perTurn: { outputTokens: { low: 1, expected: 2, high: 3 }, userMessageTokens: 7 } });
    expect(JSON.parse(JSON.stringify(s)).perTurn).toMatchObject({ outputTokens: { low: 1, expected: 2, high: 3 }, userMessageTokens: 7 });
  });
});

describe('loadScenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-forecast-'));

  it('loads the example in examples/support-bot.yaml, and it forecasts', () => {
    const file = fileURLToPath(new URL('../../examples/support-bot.yaml', import.meta.url));
    const s = loadScenario(file);
    expect(s.name).toBe('Support bot');
    expect(s.models.map((m) => m.model)).toEqual(['claude-sonnet-4-5', 'claude-haiku-4-5']);
    const f = run(JSON.parse(JSON.stringify(s)) as ScenarioInput);
    expect(f.lineItems.every((i) => i.configured)).toBe(true);
    expect(f.monthlyTotalUsd).toBeGreaterThan(f.monthlyRunningUsd);
  });

  it('reads JSON files too', () => {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(minimal));
    expect(loadScenario(file).models[0]!.model).toBe('gpt-4o');
  });

  it('says which file and which field is wrong', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'traffic:\n  interactionsPerDay: 10\nperTurn:\n  outputTokens: -1\nmodel: gpt-4o\n');
    expect(() => loadScenario(file)).toThrow(`invalid scenario ${file}: perTurn.outputTokens: must be ≥ 0`);
  });

  it('reports a YAML syntax error and a missing file in one line', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'traffic: [1, 2\nmodel: x\n');
    expect(() => loadScenario(file)).toThrow(/^invalid scenario .*broken\.yaml: [^\n]+$/);
    expect(() => loadScenario(join(dir, 'missing.yaml'))).toThrow(/^cannot read scenario .*missing\.yaml: ENOENT$/);
  });
});

describe('infrastructure names', () => {
  it('takes any plain name and refuses keys that are not names', () => {
    expect(Object.keys(parseScenario({ ...minimal, infrastructure: { 'vector db': 70, queue_workers: 10 } }).infrastructure)).toEqual(['vector db', 'queue_workers']);
    expect(error({ ...minimal, infrastructure: { '<b>db</b>': 5 } })).toMatch(/^invalid scenario: infrastructure\.<b>db<\/b>: /);
  });
});

describe('docs/forecast.md', () => {
  it('shows examples/support-bot.yaml verbatim, so the documented example is the one that runs', () => {
    const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(read('../../docs/forecast.md'))![1];
    expect(block).toBe(read('../../examples/support-bot.yaml'));
  });
});
