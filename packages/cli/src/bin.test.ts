import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../bin/spa.js', import.meta.url));

describe('the spa launcher (bin/spa.js → src/bin.ts)', () => {
  it('passes SIGTERM on to a running `spa serve env`, which stops gracefully with exit code 0', async () => {
    const child = spawn(
      process.execPath,
      [launcher, 'serve', 'env', '--port', '0', '--envs', 'alfworld'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match !== null) resolve(match[1] as string);
      });
      void exited.then((code) => reject(new Error(`exited with ${code}: ${err}`)));
    });
    const created = await fetch(`${url}/createEnv`, { method: 'POST' });
    expect(created.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/shutting down: finishing in-flight requests\nstopped\n$/);
  }, 30_000);
});
