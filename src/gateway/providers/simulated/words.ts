import { prng } from './hash.js';

/**
 * Words that are one token each in o200k and cl100k, alone or after a space, lower-case or capitalised
 * (checked by a test), so generated text of k pieces counts exactly k OpenAI tokens; "." is one token too.
 */
const WORDS = (
  'the of and to in is that for it as with on be by this are from at or an have not which but all they ' +
  'their one can has more will there other also into its when only some time new about than first two ' +
  'would people may any such these over what after most made well many where used them could very through ' +
  'then both work each between same part under make our long data cost model request budget token price ' +
  'cache system user answer value team month day week report usage service query result product feature ' +
  'customer rate limit plan scale call state level number case point group order form change line need ' +
  'help type example before every early large small next last best good real high low open just like still ' +
  'while since during within without because however second third simple clear short total final average ' +
  'daily output input context window prompt reply stream batch route quality forecast meter review alert'
).split(' ');

export const VOCABULARY: readonly string[] = WORDS;
const SPACED = WORDS.map((w) => ' ' + w);
const CAPITAL = WORDS.map((w) => w[0]!.toUpperCase() + w.slice(1));
const SPACED_CAPITAL = CAPITAL.map((w) => ' ' + w);

/**
 * `count` text pieces (one token each): sentences of 6 to 14 words ending in ".", deterministic from
 * `seed`. Joined, they are the generated text; one piece per stream delta, as providers stream tokens.
 */
export function generatePieces(count: number, seed: number): string[] {
  const random = prng(seed);
  const pieces: string[] = new Array<string>(count);
  let sentenceLeft = 0;
  let startOfSentence = true;
  for (let i = 0; i < count; i++) {
    if (sentenceLeft === 0 && !startOfSentence) {
      pieces[i] = '.';
      startOfSentence = true;
      continue;
    }
    if (startOfSentence) sentenceLeft = 6 + Math.floor(random() * 9);
    const w = Math.floor(random() * WORDS.length);
    pieces[i] = startOfSentence ? (i === 0 ? CAPITAL[w]! : SPACED_CAPITAL[w]!) : SPACED[w]!;
    startOfSentence = false;
    sentenceLeft--;
  }
  return pieces;
}
