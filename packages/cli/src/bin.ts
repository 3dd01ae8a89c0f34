#!/usr/bin/env node
import { runCli } from './program';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted (Ctrl-C)')));
process.once('SIGTERM', () => controller.abort(new Error('terminated (SIGTERM)')));
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
