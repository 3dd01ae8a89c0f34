import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trajectory } from '@spa/core';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canRenderText, renderSvg, svgToPng, writePlot } from './render';
import { attributionSpec, type CurvePoint, learningCurveSpec } from './specs';

/** The eight bytes every PNG file starts with (PNG specification, §5.2 "PNG signature"). */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which follows the signature (PNG specification §11.2.2). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height attributes of the root `<svg>` element. */
function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  return { width: Number(match?.[1]), height: Number(match?.[2]) };
}

/** The `<path>` of each line-mark group vega draws (one group, hence one path, per line). */
function linePaths(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*>(<path[^>]*>)/g)].map(
    (match) => match[1] ?? '',
  );
}

const rows: CurvePoint[] = [];
for (const [scheme, slope] of [
  ['spa', 0.1],
  ['sparse', 0.05],
] as const) {
  for (const seed of [1, 2, 3]) {
    for (let iteration = 0; iteration < 8; iteration += 1) {
      rows.push({
        series: `${scheme} seed ${seed}`,
        iteration,
        value: slope * iteration + 0.01 * seed,
      });
    }
  }
}

const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

describe('renderSvg', () => {
  let svg = '';
  beforeAll(async () => {
    svg = await renderSvg(learningCurveSpec(rows, { metric: 'charts/success_rate' }));
  });

  it('draws an SVG with the axis titles and one line path per series', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>charts/success_rate</text>');
    expect(svg).toContain('>iteration</text>');
    const paths = linePaths(svg);
    expect(paths).toHaveLength(6);
    for (const path of paths) expect(path).toMatch(/ d="M[^"]+L/);
  });

  it('writes the plot font into the SVG and is deterministic', async () => {
    expect(svg).toContain('font-family="DejaVu Sans, Liberation Sans');
    expect(await renderSvg(learningCurveSpec(rows, { metric: 'charts/success_rate' }))).toBe(svg);
  });

  it('draws one mean line per scheme in aggregate mode, plus one band each', async () => {
    const aggregated = await renderSvg(
      learningCurveSpec(rows, { metric: 'charts/success_rate', aggregate: true }),
    );
    expect(linePaths(aggregated)).toHaveLength(2);
    expect(aggregated.match(/<g class="mark-area role-mark/g)).toHaveLength(2);
    expect(aggregated).toContain('>spa</text>');
    expect(aggregated).toContain('>sparse</text>');
  });

  it('draws attribution charts with the trajectory labels', async () => {
    const trajectories: Trajectory[] = ['task-a', 'task-b'].map((taskId, index) => ({
      taskId,
      env: 'scripted',
      goal: 'g',
      won: index === 0,
      finalReward: index === 0 ? 1 : 0,
      steps: [0, 1, 2].map((t) => ({
        observation: 'o',
        action: `act ${t}`,
        grounded: true,
        reward: 0,
      })),
      contributions: [0.25, 0.25, index === 0 ? 0.5 : -0.5],
    }));
    const faceted = await renderSvg(attributionSpec(trajectories));
    expect(faceted).toContain('#1 task-a (won, R=1, sum c_t=1)');
    expect(faceted).toContain('#2 task-b (lost, R=0, sum c_t=0)');
    expect(faceted.match(/<path[^>]*aria-roledescription="bar"/g)).toHaveLength(6);
    const coloured = await renderSvg(attributionSpec(trajectories, { layout: 'color' }));
    expect(linePaths(coloured)).toHaveLength(2);
  });

  it('hands compiler warnings to onWarning instead of the console', async () => {
    const warnings: string[] = [];
    // vega-lite drops `zero` on a log scale, with a warning.
    const spec: TopLevelSpec = {
      data: { values: [{ a: 1 }, { a: 10 }] },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative', scale: { type: 'log', zero: true } } },
    };
    await renderSvg(spec, { onWarning: (message) => warnings.push(message) });
    expect(warnings).toEqual([`x-scale's "zero" is dropped as it does not work with log scale.`]);
  });
});

describe('svgToPng', () => {
  let svg = '';
  beforeAll(async () => {
    svg = await renderSvg(learningCurveSpec(rows.slice(0, 16), { metric: 'losses/policy' }));
  });

  it('gives a PNG at twice the SVG size by default', () => {
    const png = svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const { width, height } = svgSize(svg);
    expect(width).toBeGreaterThan(500);
    expect(pngSize(png)).toEqual({ width: 2 * width, height: 2 * height });
    expect(png.byteLength).toBeGreaterThan(5_000);
    expect(png.byteLength).toBeLessThan(2_000_000);
  });

  it('honours scale', () => {
    const { width } = svgSize(svg);
    expect(pngSize(svgToPng(svg, { scale: 1 })).width).toBe(width);
  });
});

describe('canRenderText', () => {
  it('is false without any font', () => {
    expect(canRenderText({ loadSystemFonts: false })).toBe(false);
  });

  it.skipIf(!existsSync(DEJAVU))('is true with a font file, and the text changes the PNG', () => {
    expect(canRenderText({ loadSystemFonts: false, fontFiles: [DEJAVU] })).toBe(true);
    const text = `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="30"><text x="4" y="20" font-family="DejaVu Sans" font-size="14">c_t</text></svg>`;
    const withFont = svgToPng(text, { loadSystemFonts: false, fontFiles: [DEJAVU] });
    const withoutFont = svgToPng(text, { loadSystemFonts: false });
    expect(Buffer.from(withFont).equals(Buffer.from(withoutFont))).toBe(false);
  });
});

describe('writePlot', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'spa-plot-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes <name>.svg and <name>.png (creating the directory) and nothing else', async () => {
    const target = join(directory, 'plots');
    const paths = await writePlot(
      learningCurveSpec(rows, { metric: 'charts/success_rate', aggregate: true }),
      target,
      'success_rate',
    );
    expect(paths).toEqual({
      svg: join(target, 'success_rate.svg'),
      png: join(target, 'success_rate.png'),
    });
    expect((await readdir(target)).sort()).toEqual(['success_rate.png', 'success_rate.svg']);
    expect((await readFile(paths.svg, 'utf8')).startsWith('<svg')).toBe(true);
    expect([...(await readFile(paths.png)).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  });

  it('rejects a name with a path separator', async () => {
    await expect(
      writePlot(learningCurveSpec(rows, { metric: 'm' }), directory, '../escape'),
    ).rejects.toThrow(/`name`/);
  });
});
