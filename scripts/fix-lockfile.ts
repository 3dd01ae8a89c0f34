/**
 * Makes `package-lock.json` acceptable to `npm ci` on machines whose npm registry mirror serves
 * only the Linux builds of platform-specific optional dependencies (biome, esbuild, rollup,
 * turbo ship one package per os/cpu).
 *
 * Why: on such a mirror the other platforms' versions are missing (E404/ETARGET), so `npm install`
 * leaves them out of the lock, while `npm ci` still places them in its ideal tree as unresolved
 * optional nodes, compares that tree with the lock (npm lib/utils/validate-lockfile.js) and
 * fails with "Missing: <name>@ from lock file". This script adds the placeholder entry npm ci
 * expects for each optional dependency that the lock cannot resolve: `{ "optional": true }` (plus
 * `dev` when its dependent is dev-only) at `<dependent>/node_modules/<name>`. npm ci then skips
 * them as failed optional dependencies.
 *
 * The placeholder also carries the `version` its dependent pins and the `os`/`cpu` read from the
 * package name (`@rollup/rollup-android-arm-eabi` → android, arm). Without a version, npm ci fails
 * with "Invalid Version" as soon as the mirror starts serving the package (seen on 2026-11-24 for
 * biome's builds); with one, it resolves it then, and `os`/`cpu` let it skip the foreign build
 * without downloading it.
 *
 * Usage: `tsx scripts/fix-lockfile.ts` (rewrites the lock; run by the root `postinstall`) or
 * `tsx scripts/fix-lockfile.ts --check` (exit 1 when entries are missing; run by `lint`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface LockEntry {
  readonly name?: string;
  readonly version?: string;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly link?: boolean;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly libc?: readonly string[];
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/** Node's `process.platform` and `process.arch` values, as platform packages spell them. */
const OS_SPELLINGS: Readonly<Record<string, string>> = { windows: 'win32', macos: 'darwin' };
const OS_NAMES = new Set([
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
]);
const CPU_NAMES: Readonly<Record<string, string>> = {
  arm: 'arm',
  arm64: 'arm64',
  ia32: 'ia32',
  loong64: 'loong64',
  mips64el: 'mips64el',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
  x64: 'x64',
  // spellings some packages use
  x86: 'ia32',
  amd64: 'x64',
  aarch64: 'arm64',
  loongarch64: 'loong64',
  powerpc64le: 'ppc64',
};

/** `os`/`cpu` of a platform package read from its name's dash-separated words; {} when unclear. */
export function platformOf(name: string): { os?: string[]; cpu?: string[]; libc?: string[] } {
  const words = (name.split('/').pop() ?? name).split('-');
  const os = words.map((word) => OS_SPELLINGS[word] ?? word).filter((word) => OS_NAMES.has(word));
  const cpu = words.map((word) => CPU_NAMES[word]).filter((word) => word !== undefined);
  const musl = words.some((word) => word.startsWith('musl'));
  const gnu = words.some((word) => word === 'gnu' || word === 'gnueabihf');
  return {
    ...(os.length === 1 ? { os } : {}),
    ...(cpu.length === 1 ? { cpu: cpu as string[] } : {}),
    ...(os[0] === 'linux' && musl !== gnu ? { libc: [musl ? 'musl' : 'glibc'] } : {}),
  };
}
interface Lockfile {
  readonly packages: Record<string, LockEntry>;
}

/** Lock locations where node would look for `name` when required from `location`. */
function candidateLocations(location: string, name: string): string[] {
  const candidates: string[] = [];
  let base = location;
  for (;;) {
    candidates.push(base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`);
    if (base === '') break;
    const index = base.lastIndexOf('node_modules/');
    if (index === -1) {
      base = '';
      continue;
    }
    base = base.slice(0, index).replace(/\/$/, '');
  }
  return candidates;
}

/** Placeholder entries the lock is missing, keyed by location. */
export function missingOptionalPlaceholders(lock: Lockfile): Record<string, LockEntry> {
  const missing: Record<string, LockEntry> = {};
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location === '' || entry.link) continue;
    for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
      const found = candidateLocations(location, name).find(
        (candidate) => candidate in lock.packages,
      );
      // A placeholder of the old form (no version) is replaced too.
      if (found !== undefined && lock.packages[found]?.version !== undefined) continue;
      missing[found ?? `${location}/node_modules/${name}`] = {
        // Exact pins only (platform packages are pinned); a range is not a version.
        ...(/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec) ? { version: spec } : {}),
        ...(entry.dev ? { dev: true } : {}),
        optional: true,
        ...platformOf(name),
      };
    }
  }
  return missing;
}

function main(): void {
  const check = process.argv.includes('--check');
  const path = resolve(fileURLToPath(new URL('..', import.meta.url)), 'package-lock.json');
  const text = readFileSync(path, 'utf8');
  const lock = JSON.parse(text) as Lockfile;
  const missing = missingOptionalPlaceholders(lock);
  const count = Object.keys(missing).length;
  if (check) {
    if (count > 0) {
      console.error(
        `package-lock.json lacks ${count} optional-dependency placeholder(s) that npm ci needs on this registry mirror (e.g. ${Object.keys(missing)[0]}). Run: npx tsx scripts/fix-lockfile.ts`,
      );
      process.exit(1);
    }
    console.log('lockfile ok');
    return;
  }
  if (count === 0) return;
  const packages = { ...lock.packages, ...missing };
  const sorted = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  writeFileSync(path, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
  console.log(
    `fix-lockfile: added ${count} optional-dependency placeholder(s) to ${join('.', 'package-lock.json')}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
