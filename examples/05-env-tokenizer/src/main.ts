/**
 * Example 05: one tokenizer for all three environments. Collects expert demonstrations (ALFWorld
 * handcoded expert, WebShop expert, VirtualHome gold programs), learns @spa/lm's byte-level BPE
 * on their goals, observations and actions, and reports compression per environment.
 *
 * Run: `npm start` in this folder (optional argument: tasks per environment, default 40).
 */
import { trainTokenizer } from '@spa/lm';
import { collectEnvText } from './corpus';

const perEnv = Number(process.argv[2] ?? 40);
const started = performance.now();
const corpus = await collectEnvText(perEnv);
console.log(`Collected ${corpus.map((c) => `${c.texts.length} ${c.env} strings`).join(', ')}.`);

const learnStarted = performance.now();
const tokenizer = trainTokenizer(
  corpus.flatMap((c) => c.texts),
  { vocabSize: 2048 },
);
console.log(
  `Learned ${tokenizer.vocabSize} tokens in ${((performance.now() - learnStarted) / 1000).toFixed(2)} s (fingerprint ${tokenizer.fingerprint()}).`,
);

console.log('\nenv           characters   tokens   chars/token   lossless');
for (const { env, texts } of corpus) {
  let characters = 0;
  let tokens = 0;
  let lossless = true;
  for (const text of texts) {
    const ids = tokenizer.encode(text);
    characters += text.length;
    tokens += ids.length;
    lossless &&= tokenizer.decode(ids) === text;
  }
  console.log(
    `${env.padEnd(12)} ${String(characters).padStart(11)} ${String(tokens).padStart(8)} ${(characters / tokens).toFixed(2).padStart(13)}   ${lossless ? 'yes' : 'NO'}`,
  );
}

const sample = corpus[0]?.texts[1] ?? '';
console.log(
  `\nA sample observation, split into tokens:\n${tokenizer
    .encode(sample)
    .slice(0, 24)
    .map((id) => JSON.stringify(tokenizer.tokenToString(id)))
    .join(' ')} …`,
);
console.log(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
