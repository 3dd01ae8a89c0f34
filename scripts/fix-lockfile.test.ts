import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingOptionalPlaceholders, platformOf } from './fix-lockfile';

describe('missingOptionalPlaceholders', () => {
  it('adds a placeholder for each optional dependency the lock cannot resolve, next to its dependent', () => {
    const lock = {
      packages: {
        '': { name: 'root' },
        'node_modules/tool': {
          version: '1.0.0',
          dev: true,
          optionalDependencies: { 'tool-linux': '1.0.0', 'tool-darwin': '1.0.0' },
        },
        'node_modules/tool-linux': { version: '1.0.0', dev: true, optional: true },
        'node_modules/lib': { version: '2.0.0', optionalDependencies: { 'lib-win': '2.0.0' } },
        'node_modules/a/node_modules/b': {
          version: '1.0.0',
          dev: true,
          optionalDependencies: { 'tool-linux': '1.0.0', c: '1' },
        },
        'packages/x': { version: '0.0.0', link: true, optionalDependencies: { nope: '1' } },
      },
    };
    expect(missingOptionalPlaceholders(lock)).toEqual({
      'node_modules/tool/node_modules/tool-darwin': {
        version: '1.0.0',
        dev: true,
        optional: true,
        os: ['darwin'],
      },
      'node_modules/lib/node_modules/lib-win': { version: '2.0.0', optional: true },
      // Resolution walks up: tool-linux is found at the root, c is not found anywhere; a range
      // ('1') is not written as a version.
      'node_modules/a/node_modules/b/node_modules/c': { dev: true, optional: true },
    });
  });

  it('upgrades a placeholder without a version (npm ci: "Invalid Version" once the mirror has it)', () => {
    const lock = {
      packages: {
        '': { name: 'root' },
        'node_modules/@rollup/rollup': {
          version: '4.68.7',
          optionalDependencies: { '@rollup/rollup-win32-x64-msvc': '4.68.7' },
        },
        'node_modules/@rollup/rollup-win32-x64-msvc': { optional: true },
      },
    };
    expect(missingOptionalPlaceholders(lock)).toEqual({
      'node_modules/@rollup/rollup-win32-x64-msvc': {
        version: '4.68.7',
        optional: true,
        os: ['win32'],
        cpu: ['x64'],
      },
    });
  });

  it('reads os, cpu and libc from platform package names', () => {
    expect(platformOf('@rollup/rollup-android-arm-eabi')).toEqual({
      os: ['android'],
      cpu: ['arm'],
    });
    expect(platformOf('@rollup/rollup-linux-arm64-musl')).toEqual({
      os: ['linux'],
      cpu: ['arm64'],
      libc: ['musl'],
    });
    expect(platformOf('@rollup/rollup-linux-x64-gnu')).toEqual({
      os: ['linux'],
      cpu: ['x64'],
      libc: ['glibc'],
    });
    expect(platformOf('@biomejs/cli-win32-arm64')).toEqual({ os: ['win32'], cpu: ['arm64'] });
    expect(platformOf('@turbo/windows-64')).toEqual({ os: ['win32'] });
    expect(platformOf('@esbuild/linux-ia32')).toEqual({ os: ['linux'], cpu: ['ia32'] });
    expect(platformOf('fsevents')).toEqual({});
  });

  it('finds nothing missing in the committed lockfile (npm ci would accept it here)', () => {
    const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
    expect(missingOptionalPlaceholders(lock)).toEqual({});
  });
});
