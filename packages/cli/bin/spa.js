#!/usr/bin/env node
// Launcher of the `spa` command. Installed from npm, it runs the built CLI (dist/bin.js). Inside
// a checkout of the repository (recognised by tsconfig.json, which is not published) it runs the
// TypeScript sources through tsx with the workspace's `@spa/source` condition, so `npx spa demo`
// works right after `npm ci` and never runs a stale build. SPA_CLI_FROM_DIST=1 forces dist.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
const source = new URL('../src/bin.ts', import.meta.url);
const checkout = existsSync(new URL('../tsconfig.json', import.meta.url));
if (existsSync(built) && (!checkout || process.env.SPA_CLI_FROM_DIST === '1')) {
  await import(built.href);
} else if (existsSync(source)) {
  let tsx;
  try {
    tsx = createRequire(import.meta.url).resolve('tsx');
  } catch {
    console.error('spa: dist/ is missing and tsx is not installed; run `npm run build` first.');
    process.exit(1);
  }
  const child = spawn(
    process.execPath,
    ['--conditions=@spa/source', '--import', tsx, fileURLToPath(source), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // A terminal's Ctrl-C reaches the whole process group, the child included: forwarding it would
  // give the child a second SIGINT (which ends it at once). SIGTERM and SIGHUP, as a process
  // manager sends them, reach this process only: pass them on so that the child can shut down.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === null ? 1 : 128 + (constants.signals[signal] ?? 0)));
  });
} else {
  console.error('spa: the package has neither dist/bin.js nor src/bin.ts; reinstall @spa/cli.');
  process.exit(1);
}
