// The tfjs side: @spa/lm's models run on 'wasm' (default), 'cpu', or the optional peers 'node' /
// 'node-gpu' (@tensorflow/tfjs-node[-gpu]@4.22.0), which selectBackend loads only on request.
import {
  BACKEND_NAMES,
  type BackendName,
  BackendUnavailableError,
  createLanguageModel,
  generate,
  selectBackend,
  trainTokenizer,
} from '@spa/lm';

/** Selects `name`; when it is unavailable, logs why (and what to install) and selects 'wasm'. */
export async function selectWithFallback(name: BackendName, log = console.log) {
  try {
    return await selectBackend(name);
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    log(`${name}: ${error.message}\n  → falling back to 'wasm'`);
    return selectBackend('wasm');
  }
}

/** Times 32 sampled tokens (seed 7) of the same seeded 'tiny' model (0.9 M weights) per backend. */
export async function timeTfjsBackends(names = BACKEND_NAMES, log = console.log) {
  const tokenizer = trainTokenizer(['take the red key and open the door.'], { vocabSize: 300 });
  const prompt = tokenizer.encode('take the red key');
  const results = [];
  for (const requested of names) {
    const backend = await selectWithFallback(requested, log);
    const { model } = await createLanguageModel({ tokenizer, preset: 'tiny', seed: 1 });
    const options = { maxNewTokens: 32, temperature: 1, seed: 7 };
    generate(model, [prompt], options); // warm-up
    const started = performance.now();
    const { tokens, logProbs } = generate(model, [prompt], options);
    const ms = performance.now() - started;
    model.dispose();
    results.push({ requested, ran: backend.name, ms, tokens: tokens[0], logProbs: logProbs[0] });
    log(`tfjs ${requested}, ran on ${backend.name}: ${ms.toFixed(1)} ms for 32 tokens`);
  }
  return results;
}
