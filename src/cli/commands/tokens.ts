import { formatCount } from '../../money/format.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TokenCounter } from '../../tokens/index.js';
import { UsageError } from '../errors.js';
import { printJson } from '../output.js';

export function registerTokens(program: Command): void {
  program
    .command('tokens')
    .description('Count the tokens of a prompt file for a model (exact for OpenAI encodings, estimated elsewhere)')
    .argument('<file>', 'a text file, or - for standard input')
    .option('-m, --model <model>', 'model whose tokenizer to use', 'gpt-4o')
    .option('--json', 'print JSON')
    .action((file: string, opts: { model: string; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const count = new TokenCounter().countText(text, opts.model);
      if (opts.json) return printJson({ model: opts.model, characters: text.length, ...count });
      const band = count.exact ? 'exact' : `estimate ±${Math.round(count.errorBand * 100)}% (${count.family} tokenizer is not public)`;
      console.log(`${formatCount(count.tokens)} tokens for ${opts.model} (${band}), ${formatCount(text.length)} characters`);
    });
}
