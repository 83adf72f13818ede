import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'burnrate-forecast-cli-'));
const EXAMPLE = fileURLToPath(new URL('../../examples/support-bot.yaml', import.meta.url));
const quick = ['forecast', '--model', 'claude-sonnet-4', '--input-tokens', '8000', '--output-tokens', '500', '--per-day', '100'];

describe('burnrate forecast', () => {
  it('prints the article example as JSON with the documented top-level numbers', () => {
    const r = runCli([...quick, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['perInteractionUsd', 'perConversationUsd', 'monthlyApiUsd', 'monthlyInfraUsd', 'monthlyTotalUsd', 'recommendedBudgetUsd']) {
      expect(typeof out[key], key).toBe('number');
    }
    expect(out).toMatchObject({ perInteractionUsd: 0.0315, monthlyApiUsd: 94.5, monthlyInfraUsd: 0, recommendedBudgetUsd: 189 });
    expect(out.ranges.monthlyTotalUsd).toEqual(expect.objectContaining({ low: expect.any(Number), p50: expect.any(Number), p90: expect.any(Number) }));
    expect(out.lineItems.length).toBeGreaterThanOrEqual(5);
    expect(out.projection.months).toHaveLength(12);
    expect(Array.isArray(out.sensitivity)).toBe(true);
    expect(out.comparison).toEqual([]);
  });

  it('prints a readable table for an archetype: line items, ranges, budget, projection', () => {
    const r = runCli(['forecast', '--archetype', 'customer-chatbot']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Customer support chatbot/);
    expect(r.stdout).toMatch(/line item \(per month\)\s+low\s+expected\s+high/);
    expect(r.stdout).toMatch(/Vector database\s+\$100\.00\s+\$100\.00\s+\$100\.00/);
    expect(r.stdout).toMatch(/Recommended spend cap: \$[\d,.]+\/month/);
    expect(r.stdout).toMatch(/12-month projection/);
    expect(r.stdout).toMatch(/What drives the monthly total/);
  });

  it('compares models side by side', () => {
    const r = runCli([...quick, '--compare', 'gpt-4o-mini,claude-haiku-4-5', '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.comparison.map((c: { model: string }) => c.model)).toEqual(['claude-sonnet-4', 'gpt-4o-mini', 'claude-haiku-4-5']);
    // 8,000 × 0.15 + 500 × 0.6 per million on gpt-4o-mini = $0.0015 an interaction.
    expect(out.comparison[1].perInteractionUsd).toBe(0.0015);
    expect(runCli([...quick, '--compare', 'gpt-4o-mini,claude-haiku-4-5']).stdout).toMatch(/claude-haiku-4-5\s+\$0\.0105/);
  });

  it('runs the documented example file', () => {
    const r = runCli(['forecast', EXAMPLE, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenario.name).toBe('Support bot');
  });

  it('writes a self-contained HTML report with the projection chart, escaping user text', () => {
    const scenario = join(dir, 'xss.yaml');
    writeFileSync(scenario, 'name: "<script>alert(1)</script> & co"\ntraffic: { interactionsPerDay: 10, monthlyGrowth: 0.1 }\nperTurn: { outputTokens: 100 }\nmodel: gpt-4o\n');
    const html = join(dir, 'report.html');
    const r = runCli(['forecast', scenario, '--html', html]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('12-month projection');
    expect(page).toMatch(/<svg[^>]*aria-label="12-month projection/);
    expect(page.match(/<rect /g)?.length).toBe(24); // total and API bars for each month
    expect(page).toContain('&#60;script&#62;alert(1)&#60;/script&#62; &#38; co');
    expect(page).not.toContain('<script>');
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // nothing fetched from the network
  });

  it('lists the archetypes', () => {
    for (const flag of ['--archetypes', '--list-archetypes']) {
      const r = runCli(['forecast', flag]);
      expect(r.code).toBe(0);
      for (const id of ['internal-assistant', 'customer-chatbot', 'document-pipeline', 'email-assistant', 'multi-tool-agent']) {
        expect(r.stdout).toContain(id);
      }
    }
  });

  it('has --help', () => {
    const r = runCli(['forecast', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: burnrate forecast/);
    expect(r.stdout).toContain('--compare <models>');
  });
});

describe('burnrate forecast on bad input: exit 2, one line', () => {
  const oneLine = (r: { code: number; stderr: string }) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return r.stderr.trim();
  };

  it('names an unknown model and its near matches, never a silent $0', () => {
    const line = oneLine(runCli(['forecast', '--model', 'gpt-4o-mnii', '--input-tokens', '1000', '--output-tokens', '100', '--per-day', '10']));
    expect(line).toMatch(/^burnrate: unknown model "gpt-4o-mnii" \(did you mean .*gpt-4o-mini.*\?\)$/);
    expect(oneLine(runCli([...quick, '--compare', 'claude-hiaku-4-5']))).toMatch(/unknown model "claude-hiaku-4-5" \(did you mean .*claude-haiku-4-5/);
  });

  it('names the file and the path of a bad field', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'traffic:\n  conversationsPerDay: { low: 10, expected: 5, high: 20 }\nperTurn:\n  outputTokens: 100\nmodel: gpt-4o\n');
    expect(oneLine(runCli(['forecast', file]))).toBe(`burnrate: invalid scenario ${file}: traffic.conversationsPerDay: needs low ≤ expected ≤ high`);
    expect(oneLine(runCli(['forecast', join(dir, 'missing.yaml')]))).toMatch(/cannot read scenario .*missing\.yaml: ENOENT$/);
  });

  it('rejects an unknown archetype, mixed sources and bad numbers', () => {
    expect(oneLine(runCli(['forecast', '--archetype', 'customer-chatbt']))).toMatch(/unknown archetype "customer-chatbt" \(did you mean customer-chatbot\?\)/);
    expect(oneLine(runCli(['forecast', EXAMPLE, '--archetype', 'customer-chatbot']))).toMatch(/give one of: a scenario file, --archetype/);
    expect(oneLine(runCli(['forecast']))).toMatch(/give one of/);
    expect(oneLine(runCli(['forecast', '--model', 'gpt-4o']))).toMatch(/needs --model, --input-tokens, --output-tokens and --per-day/);
    expect(oneLine(runCli([...quick.slice(0, -1), 'lots']))).toMatch(/--per-day must be a number ≥ 0, not "lots"/);
  });
});
