import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('burnrate prices', () => {
  it('lists matching models with per-million prices', () => {
    const r = runCli(['prices', 'claude-haiku-4-5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/anthropic\s+claude-haiku-4-5\s+\$1\s+\$5\s+\$0\.1\s+\$1\.25\s+200,000/);
  });

  it('prints JSON with the catalog version', () => {
    const r = runCli(['prices', 'openai/gpt-4o-mini', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.catalogVersion).toMatch(/genai-prices@/);
    expect(out.models[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', inputPerM: 0.15, outputPerM: 0.6 });
  });

  it('has --help', () => {
    const r = runCli(['prices', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: burnrate prices/);
  });
});

describe('burnrate tokens', () => {
  it('counts standard input exactly for an OpenAI model', () => {
    const r = runCli(['tokens', '-', '--model', 'gpt-4o', '--json'], { input: 'hello world' });
    expect(JSON.parse(r.stdout)).toMatchObject({ tokens: 2, exact: true });
  });

  it('labels a Claude count as an estimate', () => {
    const r = runCli(['tokens', '-', '--model', 'claude-sonnet-4-5'], { input: 'hello world '.repeat(50) });
    expect(r.stdout).toMatch(/estimate ±5%/);
  });

  it('exits 2 with one line for a missing file', () => {
    const r = runCli(['tokens', '/nonexistent/prompt.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('burnrate: cannot read /nonexistent/prompt.txt: ENOENT');
  });
});
