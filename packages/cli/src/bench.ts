import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigValidationError } from './errors';

/** One package's benchmark results (its `bench/results.json`: metric → number, plus node/cpus/date). */
export interface BenchResults {
  readonly package: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly node?: string;
  readonly date?: string;
}

/** The packages of a repository checkout that have a `bench` script, by folder name. */
export async function benchPackages(root: string): Promise<string[]> {
  const names = await readdir(join(root, 'packages')).catch(() => {
    throw new ConfigValidationError('--root', [
      `root: ${root} has no packages/ folder; run spa bench from a checkout of the repository (or pass --root)`,
    ]);
  });
  const out: string[] = [];
  for (const name of names.sort()) {
    try {
      const manifest = JSON.parse(
        await readFile(join(root, 'packages', name, 'package.json'), 'utf8'),
      ) as {
        scripts?: Record<string, string>;
      };
      if (manifest.scripts?.bench !== undefined) out.push(name);
    } catch {
      // not a package folder
    }
  }
  return out;
}

/** Runs `npm run bench` in one package, streaming its output to `onOutput`; rejects on a non-zero exit. */
export function runPackageBench(
  root: string,
  name: string,
  onOutput: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'bench'], {
      cwd: join(root, 'packages', name),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal === undefined ? {} : { signal }),
    });
    child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`npm run bench in packages/${name} exited with ${code}`)),
    );
  });
}

/** Reads `packages/<name>/bench/results.json`; errors name the file. */
export async function readBenchResults(root: string, name: string): Promise<BenchResults> {
  const file = join(root, 'packages', name, 'bench', 'results.json');
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message} (run the benchmark first)`, {
      cause: error,
    });
  }
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'number' && key !== 'cpus') metrics[key] = value;
  }
  return {
    package: name,
    metrics,
    ...(typeof parsed.node === 'string' ? { node: parsed.node } : {}),
    ...(typeof parsed.date === 'string' ? { date: parsed.date } : {}),
  };
}

/** One Markdown table over every package's metrics (optionally only the metrics matching `filter`). */
export function benchTable(results: readonly BenchResults[], filter?: RegExp): string {
  const format = (value: number): string =>
    Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : Math.abs(value) >= 100
        ? value.toLocaleString('en-US', { maximumFractionDigits: 1 })
        : String(Number(value.toPrecision(4)));
  const rows = results.flatMap((result) =>
    Object.entries(result.metrics)
      .filter(([metric]) => filter === undefined || filter.test(metric))
      .map(([metric, value]) => `| ${result.package} | ${metric} | ${format(value)} |`),
  );
  const dates = results.map((r) => `${r.package}: ${r.date ?? '?'} (${r.node ?? '?'})`).join('; ');
  return [
    '| package | metric | value |',
    '|---|---|---:|',
    ...rows,
    '',
    `Measured: ${dates}.`,
    '',
  ].join('\n');
}
