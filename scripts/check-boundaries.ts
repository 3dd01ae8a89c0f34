/**
 * Package boundary check for the SPA monorepo (architecture §1, conventions §B.3).
 *
 * @remarks
 * Reads every workspace `package.json` and every source file under each package's `src/`, `test/`
 * and `bench/`, and reports:
 *
 * - `@spa/*` edges outside the allow-list below, declared in `package.json` or imported in source;
 * - deep imports (`@spa/x/src/…`, `@spa/x/dist/…`, or any subpath that `@spa/x`'s `exports`
 *   does not list);
 * - relative imports that leave the package;
 * - bare imports that the package does not declare (npm hoists everything to the root
 *   `node_modules`, so such an import would otherwise resolve silently). Test files may also use
 *   the package's and the root's `devDependencies`.
 *
 * Node built-ins only, so it runs before anything is built: `tsx scripts/check-boundaries.ts
 * [--root <dir>]`.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** One broken rule. `file` is relative to the root, with `/` separators. */
export interface Violation {
  /** Name of the package whose file or manifest breaks the rule. */
  package: string;
  file?: string;
  /** 1-based line in `file`; absent for `package.json` findings. */
  line?: number;
  rule: BoundaryRule;
  message: string;
}

export type BoundaryRule =
  | 'forbidden-edge'
  | 'deep-import'
  | 'unexported-subpath'
  | 'relative-escape'
  | 'undeclared-dependency'
  | 'unknown-package'
  | 'invalid-package-json';

/** Result of a full scan: the violations plus what was looked at. */
export interface BoundaryReport {
  violations: Violation[];
  packages: number;
  files: number;
}

/**
 * Allowed `@spa/*` dependencies, by folder name under `packages/`. `'all'` means every package
 * under `packages/` except those in {@link NOBODY_MAY_DEPEND_ON}. Every package under
 * `examples/` gets `'all'`. A workspace package with no entry here is itself a violation: add
 * its rule when you add the package.
 */
const ALLOWED: Readonly<Record<string, readonly string[] | 'all'>> = {
  core: [],
  kernels: [],
  'env-alfworld': ['core'],
  'env-webshop': ['core'],
  'env-virtualhome': ['core'],
  lm: ['core'],
  estimator: ['core', 'lm'],
  ppo: ['core', 'kernels', 'lm'],
  interop: ['core'],
  server: ['core', 'estimator', 'lm', 'env-alfworld', 'env-webshop', 'env-virtualhome'],
  cli: 'all',
};

/** Folder names under `packages/` that no other workspace package may depend on. */
const NOBODY_MAY_DEPEND_ON: ReadonlySet<string> = new Set(['cli']);

const INTERNAL_SCOPE = '@spa/';
const SOURCE_DIRS = ['src', 'test', 'bench'] as const;
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', 'dist']);
const SOURCE_FILE = /\.(?:ts|mts|cts|tsx)$/;
const TEST_FILE = /\.(?:test|spec)(?:-d)?\.(?:ts|mts|cts|tsx)$/;
const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
] as const;
const RUNTIME_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

interface Manifest {
  name?: unknown;
  exports?: unknown;
  workspaces?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface WorkspacePackage {
  name: string;
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the root, `/`-separated (`packages/core`). */
  relDir: string;
  manifest: Manifest;
}

/** Check the workspace at `root` and return every violation (empty when the repo is clean). */
export function checkBoundaries({ root }: { root: string }): Violation[] {
  return scanBoundaries({ root }).violations;
}

/** {@link checkBoundaries} plus the number of packages and files scanned. */
export function scanBoundaries({ root }: { root: string }): BoundaryReport {
  const absRoot = path.resolve(root);
  const rootManifest = readJson(path.join(absRoot, 'package.json')) as Manifest;
  const violations: Violation[] = [];
  const packages = loadWorkspace(absRoot, rootManifest, violations);
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const rootDevDependencies = Object.keys(rootManifest.devDependencies ?? {});
  let files = 0;

  for (const pkg of packages) {
    const allowed = allowedTargets(pkg, packages);
    const manifestFile = posix(path.relative(absRoot, path.join(pkg.dir, 'package.json')));
    if (allowed === undefined) {
      violations.push({
        package: pkg.name,
        file: manifestFile,
        rule: 'unknown-package',
        message: `no boundary rule for ${pkg.relDir}: add it to ALLOWED in scripts/check-boundaries.ts`,
      });
    }

    for (const field of DEPENDENCY_FIELDS) {
      for (const dependency of Object.keys(pkg.manifest[field] ?? {})) {
        const problem = edgeProblem(pkg, dependency, allowed, byName, 'depend on');
        if (problem !== undefined) {
          violations.push({
            package: pkg.name,
            file: manifestFile,
            rule: problem.rule,
            message: `${field}: ${problem.message}`,
          });
        }
      }
    }

    const runtime = new Set(
      RUNTIME_FIELDS.flatMap((field) => Object.keys(pkg.manifest[field] ?? {})),
    );
    const forTests = new Set([
      ...runtime,
      ...Object.keys(pkg.manifest.devDependencies ?? {}),
      ...rootDevDependencies,
    ]);

    for (const file of sourceFiles(pkg.dir)) {
      files += 1;
      const relFile = posix(path.relative(absRoot, file));
      const isTest = isTestFile(path.relative(pkg.dir, file));
      for (const ref of findImports(readFileSync(file, 'utf8'))) {
        const problem = importProblem({
          pkg,
          file,
          specifier: ref.specifier,
          allowed,
          byName,
          declared: isTest ? forTests : runtime,
          isTest,
          absRoot,
        });
        if (problem !== undefined) {
          violations.push({ package: pkg.name, file: relFile, line: ref.line, ...problem });
        }
      }
    }
  }

  return { violations, packages: packages.length, files };
}

/** An import specifier found in source, with its 1-based line. */
export interface ImportRef {
  specifier: string;
  line: number;
}

/**
 * Every module specifier in `source`: `import … from 'x'`, `export … from 'x'`, `import 'x'`,
 * `import('x')`, `require('x')` (and `import x = require('x')`). Comments are ignored, and so is
 * anything inside string, template and regex literals. Dynamic imports of non-literal
 * expressions are skipped.
 */
export function findImports(source: string): ImportRef[] {
  const { code, literals } = maskSource(source);
  const lineStarts = [0];
  for (let i = 0; i < source.length; i += 1) {
    if (source[i] === '\n') lineStarts.push(i + 1);
  }
  const patterns = [
    /(?<![\w$.#])from\s*(['"])/g,
    /(?<![\w$.#])import\s*(['"])/g,
    /(?<![\w$.#])import\s*\(\s*(['"`])/g,
    /(?<![\w$.#])require\s*\(\s*(['"`])/g,
  ];
  const found = new Map<number, ImportRef>();
  for (const pattern of patterns) {
    for (const match of code.matchAll(pattern)) {
      const quoteAt = match.index + match[0].length - 1;
      const specifier = literals.get(quoteAt);
      if (specifier !== undefined) {
        found.set(quoteAt, { specifier, line: lineOf(lineStarts, quoteAt) });
      }
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, ref]) => ref);
}

// ---------------------------------------------------------------------------------------------
// Rules

interface Problem {
  rule: BoundaryRule;
  message: string;
}

function allowedTargets(
  pkg: WorkspacePackage,
  packages: readonly WorkspacePackage[],
): ReadonlySet<string> | undefined {
  const [area, folder] = pkg.relDir.split('/');
  let rule: readonly string[] | 'all' | undefined;
  if (area === 'examples') rule = 'all';
  else if (area === 'packages' && folder !== undefined && Object.hasOwn(ALLOWED, folder)) {
    rule = ALLOWED[folder];
  }
  if (rule === undefined) return undefined;
  const libraries = packages.filter((other) => other.relDir.startsWith('packages/'));
  const folderOf = (other: WorkspacePackage) => other.relDir.slice('packages/'.length);
  const targets =
    rule === 'all'
      ? libraries.filter((other) => !NOBODY_MAY_DEPEND_ON.has(folderOf(other)))
      : libraries.filter((other) => rule.includes(folderOf(other)));
  return new Set(targets.map((other) => other.name).filter((name) => name !== pkg.name));
}

/** Is depending on package `target` (a bare package name) an allowed edge for `pkg`? */
function edgeProblem(
  pkg: WorkspacePackage,
  target: string,
  allowed: ReadonlySet<string> | undefined,
  byName: ReadonlyMap<string, WorkspacePackage>,
  verb: 'depend on' | 'import',
): Problem | undefined {
  const targetPkg = byName.get(target);
  if (targetPkg === undefined) {
    return target.startsWith(INTERNAL_SCOPE)
      ? { rule: 'unknown-package', message: `${target} is not a workspace package` }
      : undefined;
  }
  if (target === pkg.name || allowed === undefined || allowed.has(target)) return undefined;
  const folder = targetPkg.relDir.startsWith('packages/')
    ? targetPkg.relDir.slice('packages/'.length)
    : undefined;
  const why =
    folder !== undefined && NOBODY_MAY_DEPEND_ON.has(folder)
      ? `nothing may depend on ${target}`
      : `allowed: ${allowed.size === 0 ? 'no @spa packages' : [...allowed].sort().join(', ')}`;
  return {
    rule: 'forbidden-edge',
    message: `${pkg.name} must not ${verb} ${target} (${why})`,
  };
}

function importProblem(args: {
  pkg: WorkspacePackage;
  file: string;
  specifier: string;
  allowed: ReadonlySet<string> | undefined;
  byName: ReadonlyMap<string, WorkspacePackage>;
  declared: ReadonlySet<string>;
  isTest: boolean;
  absRoot: string;
}): Problem | undefined {
  const { pkg, file, specifier, allowed, byName, declared, isTest, absRoot } = args;

  if (isRelative(specifier)) {
    const target = path.resolve(path.dirname(file), specifier);
    if (isInside(pkg.dir, target)) return undefined;
    const owner = [...byName.values()].find((other) => isInside(other.dir, target));
    const where = owner !== undefined ? `into ${owner.name}` : 'out of the package';
    return {
      rule: 'relative-escape',
      message: `relative import '${specifier}' reaches ${where} (${posix(path.relative(absRoot, target))}); import a package entry point instead`,
    };
  }
  // Subpath imports (`#internal`) resolve through the package's own `imports` map.
  if (specifier.startsWith('#') || isBuiltin(specifier)) return undefined;

  const { name, subpath } = splitSpecifier(specifier);
  const edge = edgeProblem(pkg, name, allowed, byName, 'import');
  if (edge !== undefined) return edge;

  const target = byName.get(name);
  if (target !== undefined) {
    const first = subpath.split('/')[0];
    if (first === 'src' || first === 'dist') {
      return {
        rule: 'deep-import',
        message: `deep import '${specifier}': use an entry point listed in ${name}'s package.json "exports"`,
      };
    }
    if (!isExported(target.manifest.exports, subpath === '' ? '.' : `./${subpath}`)) {
      return {
        rule: 'unexported-subpath',
        message: `'${specifier}' is not exported by ${name} (exports: ${exportKeys(target.manifest.exports)})`,
      };
    }
  }

  if (name === pkg.name || declared.has(name)) return undefined;
  return {
    rule: 'undeclared-dependency',
    message: isTest
      ? `'${specifier}': ${name} is declared neither by ${pkg.name} nor in the root devDependencies`
      : `'${specifier}': ${name} is not in ${pkg.name}'s dependencies, peerDependencies or optionalDependencies`,
  };
}

/** Does an `exports` field expose `subpath` (`.` or `./x`)? Supports `*` patterns and `null`. */
function isExported(exportsField: unknown, subpath: string): boolean {
  if (exportsField === undefined || exportsField === null) return subpath === '.';
  if (typeof exportsField !== 'object' || Array.isArray(exportsField)) return subpath === '.';
  const map = exportsField as Record<string, unknown>;
  const keys = Object.keys(map);
  if (!keys.some((key) => key.startsWith('.'))) return subpath === '.'; // conditions only
  if (Object.hasOwn(map, subpath)) return map[subpath] !== null;
  let best: { prefix: string; key: string } | undefined;
  for (const key of keys) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    const matches =
      subpath.startsWith(prefix) &&
      subpath.endsWith(suffix) &&
      subpath.length >= prefix.length + suffix.length;
    if (matches && (best === undefined || prefix.length > best.prefix.length)) {
      best = { prefix, key };
    }
  }
  return best !== undefined && map[best.key] !== null;
}

function exportKeys(exportsField: unknown): string {
  if (exportsField !== null && typeof exportsField === 'object' && !Array.isArray(exportsField)) {
    const keys = Object.keys(exportsField).filter((key) => key.startsWith('.'));
    if (keys.length > 0) return keys.join(', ');
  }
  return exportsField === undefined ? 'none declared, only the root is public' : '.';
}

function splitSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const size = specifier.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, size).join('/'), subpath: parts.slice(size).join('/') };
}

function isRelative(specifier: string): boolean {
  return (
    specifier === '.' ||
    specifier === '..' ||
    specifier.startsWith('./') ||
    specifier.startsWith('../') ||
    path.isAbsolute(specifier)
  );
}

function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isTestFile(relToPackage: string): boolean {
  const parts = relToPackage.split(path.sep);
  return (
    TEST_FILE.test(relToPackage) ||
    parts.includes('__fixtures__') ||
    parts[0] === 'test' ||
    parts[0] === 'bench'
  );
}

// ---------------------------------------------------------------------------------------------
// Workspace and files

function loadWorkspace(
  absRoot: string,
  rootManifest: Manifest,
  violations: Violation[],
): WorkspacePackage[] {
  const field = rootManifest.workspaces;
  const patterns: unknown =
    field !== null && typeof field === 'object' && !Array.isArray(field)
      ? (field as { packages?: unknown }).packages
      : field;
  if (!Array.isArray(patterns)) {
    throw new Error(`${path.join(absRoot, 'package.json')} has no "workspaces" array`);
  }
  const dirs = new Set<string>();
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern.startsWith('!')) continue;
    for (const dir of expandGlob(absRoot, pattern)) dirs.add(dir);
  }
  const packages: WorkspacePackage[] = [];
  for (const dir of [...dirs].sort()) {
    const relDir = posix(path.relative(absRoot, dir));
    const file = `${relDir}/package.json`;
    let manifest: Manifest;
    try {
      manifest = readJson(path.join(dir, 'package.json')) as Manifest;
    } catch (error) {
      violations.push({
        package: relDir,
        file,
        rule: 'invalid-package-json',
        message: `cannot read package.json: ${(error as Error).message}`,
      });
      continue;
    }
    if (typeof manifest.name !== 'string' || manifest.name === '') {
      violations.push({
        package: relDir,
        file,
        rule: 'invalid-package-json',
        message: 'package.json has no "name"',
      });
      continue;
    }
    packages.push({ name: manifest.name, dir, relDir, manifest });
  }
  return packages;
}

/** Expand a workspace pattern whose segments are literals or contain `*` (no `**`). */
function expandGlob(absRoot: string, pattern: string): string[] {
  let dirs = [absRoot];
  for (const segment of pattern.split('/').filter((part) => part !== '' && part !== '.')) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (!segment.includes('*')) {
        if (isDirectory(path.join(dir, segment))) next.push(path.join(dir, segment));
        continue;
      }
      const matcher = new RegExp(`^${segment.split('*').map(escapeRegExp).join('[^/]*')}$`);
      for (const entry of safeReaddir(dir)) {
        if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name) && matcher.test(entry.name)) {
          next.push(path.join(dir, entry.name));
        }
      }
    }
    dirs = next;
  }
  return dirs.filter((dir) => isFile(path.join(dir, 'package.json')));
}

function sourceFiles(pkgDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of safeReaddir(dir)) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && SOURCE_FILE.test(entry.name)) {
        files.push(full);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(pkgDir, dir));
  return files.sort();
}

function safeReaddir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

// ---------------------------------------------------------------------------------------------
// A light tokenizer: blank out comments and literal contents, remember string values.

/** Words after which a `/` starts a regular expression rather than a division. */
const EXPRESSION_KEYWORDS: ReadonlySet<string> = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

/**
 * Returns `code`: `source` with comments and the contents of string, template and regex
 * literals replaced by spaces (same length, newlines kept), and `literals`: the value of each
 * string literal, and of each template literal without `${}`, keyed by its opening quote's offset.
 *
 * @remarks
 * Not a full parser: JSX text and a few regex-versus-division ambiguities (a `/` right after `}`)
 * can confuse it, but a string never spans a line break, so any confusion ends at the line's end.
 */
function maskSource(source: string): { code: string; literals: Map<number, string> } {
  const out = source.split('');
  const literals = new Map<number, string>();
  const n = source.length;
  /** Brace depth at each open `${`, innermost last. */
  const templateDepths: number[] = [];
  let depth = 0;
  /** Whether a `/` at this point would start a regex (we are expecting an expression). */
  let expectExpression = true;
  let i = 0;

  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k += 1) {
      if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
    }
  };

  /** Scan template text from `start` (just after "`" or "}"); returns the next offset. */
  const scanTemplate = (start: number, opening: number | undefined): number => {
    let k = start;
    while (k < n) {
      const c = source[k];
      if (c === '\\') {
        k += 2;
      } else if (c === '`') {
        blank(start, k);
        if (opening !== undefined) literals.set(opening, unescapeLiteral(source.slice(start, k)));
        expectExpression = false;
        return k + 1;
      } else if (c === '$' && source[k + 1] === '{') {
        blank(start, k);
        depth += 1;
        templateDepths.push(depth);
        expectExpression = true;
        return k + 2;
      } else {
        k += 1;
      }
    }
    blank(start, n);
    return n;
  };

  while (i < n) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let k = i + 1;
      while (k < n && source[k] !== c && source[k] !== '\n') k += source[k] === '\\' ? 2 : 1;
      const end = Math.min(k, n);
      literals.set(i, unescapeLiteral(source.slice(i + 1, end)));
      blank(i + 1, end);
      i = end + 1;
      expectExpression = false;
    } else if (c === '`') {
      i = scanTemplate(i + 1, i);
    } else if (c === '/') {
      const end = expectExpression ? regexEnd(source, i) : undefined;
      if (end === undefined) {
        expectExpression = true; // a division
        i += 1;
      } else {
        blank(i + 1, end);
        i = end;
        expectExpression = false;
      }
    } else if (c === '{') {
      depth += 1;
      expectExpression = true;
      i += 1;
    } else if (c === '}') {
      if (templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === depth) {
        templateDepths.pop();
        depth -= 1;
        i = scanTemplate(i + 1, undefined);
      } else {
        depth -= 1;
        expectExpression = true;
        i += 1;
      }
    } else if (/[A-Za-z_$]/.test(c)) {
      let k = i + 1;
      while (k < n && /[\w$]/.test(source[k] as string)) k += 1;
      expectExpression = EXPRESSION_KEYWORDS.has(source.slice(i, k));
      i = k;
    } else if (/[0-9]/.test(c)) {
      let k = i + 1;
      while (k < n && /[\w.]/.test(source[k] as string)) k += 1;
      expectExpression = false;
      i = k;
    } else if (c === ')' || c === ']') {
      expectExpression = false;
      i += 1;
    } else if (/\s/.test(c)) {
      i += 1;
    } else {
      expectExpression = true;
      i += 1;
    }
  }
  return { code: out.join(''), literals };
}

/** End offset (after flags) of the regex literal starting at `start`, or undefined if none. */
function regexEnd(source: string, start: number): number | undefined {
  let inClass = false;
  let k = start + 1;
  while (k < source.length) {
    const c = source[k];
    if (c === '\n') return undefined;
    if (c === '\\') {
      k += 2;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      k += 1;
      while (k < source.length && /[a-z]/i.test(source[k] as string)) k += 1;
      return k;
    }
    k += 1;
  }
  return undefined;
}

function unescapeLiteral(raw: string): string {
  return raw.replace(/\\(.)/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// CLI

function main(argv: readonly string[]): number {
  let root: string;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      console.log('usage: tsx scripts/check-boundaries.ts [--root <repo root>]');
      return 0;
    }
    root = path.resolve(
      values.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
    );
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }

  let report: BoundaryReport;
  try {
    report = scanBoundaries({ root });
  } catch (error) {
    console.error(`check-boundaries: ${(error as Error).message}`);
    return 2;
  }
  for (const v of report.violations) {
    const where = v.file === undefined ? 'package.json' : v.file;
    console.error(
      v.line === undefined ? `${where}: ${v.message}` : `${where}:${v.line}: ${v.message}`,
    );
  }
  if (report.violations.length > 0) {
    const count = report.violations.length;
    console.error(`${count} boundary violation${count === 1 ? '' : 's'}`);
    return 1;
  }
  console.log(`boundaries ok (${report.packages} packages, ${report.files} files)`);
  return 0;
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = main(process.argv.slice(2));
}
