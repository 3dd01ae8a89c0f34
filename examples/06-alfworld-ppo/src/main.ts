/**
 * Example 06: the SPA-RL pipeline on ALFWorld, end to end, on the wasm backend — expert
 * demonstrations → tokenizer → behaviour cloning → exploration → progress estimator → step-level
 * PPO with SPA rewards and, from the same BC weights, with the sparse final reward → greedy
 * evaluation of all three policies on ALFWorld's valid_unseen games.
 *
 * Run: `npm start` in this folder, with `--budget tiny|short` (default `tiny`) and
 * `--out <run directory>` (default `runs/alfworld`).
 */
import { parseArgs } from 'node:util';
import { BUDGETS, type BudgetName, resultsToMarkdown, runPipeline } from './pipeline';

const { values } = parseArgs({
  options: {
    budget: { type: 'string', default: 'tiny' },
    out: { type: 'string', default: 'runs/alfworld' },
  },
});
const name = values.budget as BudgetName;
const budget = BUDGETS[name];
if (budget === undefined) {
  console.error(`--budget must be one of ${Object.keys(BUDGETS).join(', ')}, got ${name}`);
  process.exit(2);
}

const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s`;
console.log(`SPA-RL on ALFWorld, budget ${name}, run directory ${values.out}`);
const result = await runPipeline({
  budget,
  out: values.out,
  log: (line) => console.log(`${elapsed()}  ${line}`),
});
console.log(`\n${resultsToMarkdown(result)}`);
console.log(`Wrote ${values.out}/results.{json,md} and ${values.out}/eval/*/eval.{json,md}.`);
