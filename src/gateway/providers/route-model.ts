import type { UpstreamConfig } from './types.js';

export interface ModelRoute {
  upstream: UpstreamConfig;
  /** The model id to send upstream (without the `provider/` prefix). */
  model: string;
}

/** Prefixes that name an upstream by another word than its name. */
const PREFIX_ALIASES: Record<string, (u: UpstreamConfig) => boolean> = {
  sim: (u) => u.kind === 'simulated',
  simulated: (u) => u.kind === 'simulated',
  google: (u) => u.name === 'gemini' || u.pricingProvider === 'google',
};

/** Model families and the upstreams that serve them, preferred first. */
const FAMILIES: [test: RegExp, pick: ((u: UpstreamConfig) => boolean)[]][] = [
  [
    /^(gpt-|chatgpt-|o[1-9](-|$)|text-embedding-|davinci|babbage|omni-moderation|codex-)/,
    [(u) => u.name === 'openai', (u) => u.kind === 'azure'],
  ],
  [/^claude-/, [(u) => u.name === 'anthropic', (u) => u.kind === 'anthropic']],
  [/^(gemini-|gemma-)/, [(u) => u.name === 'gemini', (u) => u.pricingProvider === 'google']],
];

/** The upstream named by a `prefix/`: its name, an alias (`sim`, `google`), its pricing provider or its kind. */
function byPrefix(prefix: string, upstreams: readonly UpstreamConfig[]): UpstreamConfig | undefined {
  const tests: ((u: UpstreamConfig) => boolean)[] = [(u) => u.name === prefix];
  const alias = PREFIX_ALIASES[prefix];
  if (alias) tests.push(alias);
  tests.push((u) => u.pricingProvider === prefix, (u) => u.kind === prefix);
  for (const test of tests) {
    const found = upstreams.find(test);
    if (found) return found;
  }
  return undefined;
}

/**
 * Which upstream serves a model, and the id to send it. An explicit `upstream/model` wins
 * (`openai/gpt-4o`, `anthropic/claude-sonnet-4-5`, `gemini/gemini-2.5-flash`, `sim/gpt-4o-mini`,
 * `my-vllm/meta-llama/Llama-3.1-8B`: the prefix is removed); a bare id goes by family (gpt-*, o1/o3/o4,
 * text-embedding-* → openai, else an Azure upstream; claude-* → anthropic; gemini-* → gemini).
 * Undefined when nothing fits: the caller answers `unknown_model`.
 */
export function upstreamForModel(model: string, upstreams: readonly UpstreamConfig[]): ModelRoute | undefined {
  const slash = model.indexOf('/');
  if (slash > 0) {
    const upstream = byPrefix(model.slice(0, slash), upstreams);
    const rest = model.slice(slash + 1);
    if (upstream && rest) return { upstream, model: rest };
  }
  const id = model.toLowerCase();
  for (const [test, picks] of FAMILIES) {
    if (!test.test(id)) continue;
    for (const pick of picks) {
      const upstream = upstreams.find(pick);
      if (upstream) return { upstream, model };
    }
    return undefined;
  }
  return undefined;
}
