import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError, SpaError, type SpaErrorOptions } from '@spa/core';
import { findPackageRoot } from '@spa/core/node';

const marker = 'spa.error.virtualhome-data';
const symbol = Symbol.for(marker);

/**
 * Bundled VirtualHome data could not be read: a missing or corrupt file, or a malformed record.
 *
 * @remarks
 * The message reads `source[:line]: reason`; `line` is the 1-based line of a JSON Lines file.
 */
export class VirtualhomeDataError extends DataFileError {
  protected readonly [symbol] = true;

  constructor(options: { source: string; reason: string; line?: number } & SpaErrorOptions) {
    super(options, 'VirtualhomeDataError');
  }

  /** True when `error` is a {@link VirtualhomeDataError} from any copy of this package. */
  static override isInstance(error: unknown): error is VirtualhomeDataError {
    return SpaError.hasMarker(error, marker);
  }
}

const PACKAGE_NAME = '@spa/env-virtualhome';

/**
 * Absolute path of `data/<relative>` in this package (found with `findPackageRoot`, as
 * `src/data.ts` does). Throws {@link VirtualhomeDataError} when the package folder is not found.
 */
export function packageDataPath(relative: string): string {
  const root = findPackageRoot({ packageName: PACKAGE_NAME, from: import.meta.url });
  if (root === undefined) {
    throw new VirtualhomeDataError({
      source: fileURLToPath(import.meta.url),
      reason: `cannot find the ${PACKAGE_NAME} package folder (with its data/) above this module`,
    });
  }
  return path.join(root, 'data', relative);
}

/**
 * Parses the JSON file `data/<relative>`. Throws {@link VirtualhomeDataError} naming the file when
 * it cannot be read or is not valid JSON.
 */
export function readPackageJson(relative: string): unknown {
  const file = packageDataPath(relative);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new VirtualhomeDataError({ source: file, reason: 'cannot read the file', cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new VirtualhomeDataError({ source: file, reason: 'not valid JSON', cause: error });
  }
}
