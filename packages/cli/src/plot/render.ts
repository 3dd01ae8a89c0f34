import { join } from 'node:path';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { InvalidArgumentError } from '@spa/core';
import { writeFileAtomic } from '@spa/core/node';
import type { TopLevelSpec } from 'vega-lite';
import { PLOT_FONT } from './specs';

/*
 * `vega` and `vega-lite` are ESM-only packages (`"type": "module"`, an `exports` map with no
 * `require` condition). They are loaded with dynamic `import()` rather than a static import:
 * - the CommonJS build of this package (`dist/index.cjs`) keeps `import()` as is (esbuild leaves
 *   dynamic imports of external packages alone), so it never `require()`s an ES module, which
 *   Node 20 only allows from 20.19 on and not for graphs with top-level await;
 * - the CLI does not pay vega's start-up cost unless it draws a plot.
 * (Checked: tsup 8.5 / esbuild 0.27 emit `await import("vega")` in the `.cjs` output, and that
 * build renders under `require()`.) Only types are imported statically (`import type`, erased at
 * build time). One typing caveat remains: the bundled `index.d.cts` says
 * `import { TopLevelSpec } from 'vega-lite'`, which TypeScript rejects (TS1479) in a CommonJS
 * consumer that type-checks libraries under `module: node16`; rollup-plugin-dts drops a
 * `resolution-mode` attribute written here. attw stays green and nothing imports `@spa/cli`.
 */
type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');
type Logger = NonNullable<NonNullable<Parameters<VegaLiteModule['compile']>[1]>['logger']>;

async function loadVega(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { vega, vegaLite };
}

/** Log levels of vega-util (`None` = 0 … `Debug` = 4); see vega-util's `logger.d.ts`. */
const LOG_WARN = 2;
const LOG_ERROR = 1;

/** A vega/vega-lite logger that hands warnings and errors to a callback instead of the console. */
function callbackLogger(onWarning: (message: string) => void): Logger {
  let level = LOG_WARN;
  const text = (args: unknown[]) =>
    args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(' ');
  const logger: Logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      if (level >= LOG_ERROR) onWarning(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      if (level >= LOG_WARN) onWarning(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /**
   * Receives vega-lite compiler and vega runtime warnings (e.g. a field with no data). Default:
   * ignored, so that a library call never prints; the CLI passes its own reporter.
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * Renders a Vega-Lite spec to an SVG document, headless: vega-lite compiles it to Vega, and a
 * vega `View` with `renderer: 'none'` draws it with `toSVG()` (no DOM, no canvas).
 */
export async function renderSvg(
  spec: TopLevelSpec,
  options: RenderSvgOptions = {},
): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const onWarning = options.onWarning ?? (() => undefined);
  const compiled = vegaLite.compile(spec, { logger: callbackLogger(onWarning) });
  const view = new vega.View(vega.parse(compiled.spec), {
    renderer: 'none',
    logger: callbackLogger(onWarning),
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /** Pixel density: 2 (default) gives a 2× PNG of the SVG's CSS size, sharp on high-DPI screens. */
  readonly scale?: number;
  /** Background colour (CSS). Default: `white`. */
  readonly background?: string;
  /**
   * Font files (TTF/OTF) to load in addition to (or, with `loadSystemFonts: false`, instead of)
   * the system fonts. Needed on machines without any system font, where text is not drawn.
   */
  readonly fontFiles?: readonly string[];
  /** Load the fonts installed on the system (fontconfig directories). Default: `true`. */
  readonly loadSystemFonts?: boolean;
}

function resvgOptions(options: SvgToPngOptions): ResvgRenderOptions {
  const loadSystemFonts = options.loadSystemFonts ?? true;
  return {
    background: options.background ?? 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts,
      ...(options.fontFiles === undefined ? {} : { fontFiles: [...options.fontFiles] }),
      // When no listed family matches, resvg-js falls back to `defaultFontFamily`; left empty it
      // becomes the first system font found (resvg-js 2.6 `index.d.ts`), so any font beats none.
    },
    logLevel: 'off',
  };
}

/**
 * Rasterises an SVG (e.g. from {@link renderSvg}) to PNG with resvg (Rust, via napi; no native
 * canvas). Text needs a font: system fonts are loaded by default, `fontFiles` adds more.
 *
 * @returns the PNG file's bytes.
 */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, resvgOptions(options));
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/**
 * Whether resvg finds a font for plot text with these options. Without one, {@link svgToPng}
 * silently drops all text (axis labels, titles, legends); the CLI can warn and suggest
 * `fontFiles` (e.g. `apt-get install fonts-dejavu-core`, or any `.ttf`).
 */
export function canRenderText(
  options: Pick<SvgToPngOptions, 'fontFiles' | 'loadSystemFonts'> = {},
): boolean {
  const probe = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><text x="4" y="24" font-family="${PLOT_FONT}" font-size="16">Ag</text></svg>`;
  // resvg converts text to paths while parsing; text without a usable font leaves no box.
  return new Resvg(probe, resvgOptions(options)).getBBox() !== undefined;
}

/** Options of {@link writePlot}. */
export interface WritePlotOptions extends RenderSvgOptions, SvgToPngOptions {}

/**
 * Renders `spec` and writes `<directory>/<name>.svg` and `<directory>/<name>.png`, each
 * atomically (temporary file + rename); the directory is created if needed.
 *
 * @returns the paths written.
 */
export async function writePlot(
  spec: TopLevelSpec,
  directory: string,
  name: string,
  options: WritePlotOptions = {},
): Promise<{ svg: string; png: string }> {
  if (name === '' || /[/\\]/.test(name)) {
    throw new InvalidArgumentError({
      field: 'name',
      reason: `expected a plain file name without extension, got "${name}"`,
    });
  }
  const svg = await renderSvg(spec, options);
  const png = svgToPng(svg, options);
  const paths = { svg: join(directory, `${name}.svg`), png: join(directory, `${name}.png`) };
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, png);
  return paths;
}
