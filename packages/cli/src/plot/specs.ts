import { InvalidArgumentError, type Trajectory } from '@spa/core';
import type { Config, TopLevelSpec } from 'vega-lite';

/**
 * Font family list every plot uses. The first family that exists wins: DejaVu Sans ships with
 * Debian/Ubuntu (`fonts-dejavu-core`), Liberation Sans with Fedora/RHEL, Arial/Helvetica with
 * Windows/macOS; `sans-serif` is the generic family. vega writes the list into each `<text>`'s
 * `font-family`, and resvg resolves it like CSS (CSS Fonts, `font-family`); if none of them is
 * installed, resvg-js falls back to the first system font (see `svgToPng`).
 */
export const PLOT_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Default width and height of one plot area, in CSS pixels (axes and legend come on top). */
export const PLOT_SIZE = { width: 560, height: 320 } as const;

/** Default height of one facet row of {@link attributionSpec}, in CSS pixels. */
const FACET_HEIGHT = 110;

const SCHEMA_URL = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Shared look: one font, white background, fixed sizes. No random ids, no clipping.
 *
 * Headless vega has no canvas to measure text, so it estimates a width of 0.8 × font size per
 * character (vega-scenegraph `textMetrics`, `_estimateWidth`), more than DejaVu Sans really
 * takes; `labelLimit`s are therefore generous (or 0 = none) so that labels are not cut early.
 */
const CONFIG: Config = {
  font: PLOT_FONT,
  background: 'white',
  padding: 8,
  title: { fontSize: 14, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
  header: { labelFontSize: 11, titleFontSize: 12 },
  range: { category: { scheme: 'tableau10' } },
};

/** One tooltip entry (a subset of Vega-Lite's `StringFieldDef`). */
interface TooltipField {
  field: string;
  type: 'nominal' | 'quantitative';
  title?: string;
  format?: string;
}

/** Series longer than this are drawn without point markers (they would hide the line). */
const MAX_POINTS_WITH_MARKERS = 40;

/** One point of a learning curve. */
export interface CurvePoint {
  /** The curve's name, e.g. `spa seed 1`. With `aggregate`, the text before ` seed ` is its scheme. */
  readonly series: string;
  /** PPO iteration (x). */
  readonly iteration: number;
  /** Metric value (y). Non-finite values (NaN written as JSON `null`) are left out. */
  readonly value: number;
}

/** Options of {@link learningCurveSpec}. */
export interface LearningCurveOptions {
  /** Metric name, e.g. `charts/success_rate`; the y-axis title. */
  readonly metric: string;
  /** Chart title. Default: the metric name. */
  readonly title?: string;
  /**
   * Group series by scheme (the text before ` seed `: `spa seed 1`, `spa seed 2` → `spa`) and draw
   * one mean line plus a band per scheme. Default: `false`, one line per series.
   */
  readonly aggregate?: boolean;
  /** Band drawn in aggregate mode: `min-max` over seeds (default) or mean ± sample `std`. */
  readonly band?: 'min-max' | 'std';
  /** Plot-area width in pixels. Default: {@link PLOT_SIZE}.width. */
  readonly width?: number;
  /** Plot-area height in pixels. Default: {@link PLOT_SIZE}.height. */
  readonly height?: number;
}

/** The scheme of a series name: the text before the first ` seed ` (the whole name if none). */
export function schemeOf(series: string): string {
  const at = series.indexOf(' seed ');
  return at === -1 ? series : series.slice(0, at);
}

/** Mean, band and seed count of one scheme at one iteration. */
export interface AggregatePoint {
  readonly scheme: string;
  readonly iteration: number;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
  /** Number of series (seeds) with a value at this iteration. */
  readonly seeds: number;
}

/**
 * Aggregates curves per scheme and iteration: the mean, and a band that is either the min and
 * max over seeds or mean ± the sample standard deviation (n − 1 denominator; 0 for one seed).
 * Output order: schemes in order of first appearance, then ascending iteration.
 */
export function aggregateCurves(
  rows: readonly CurvePoint[],
  band: 'min-max' | 'std' = 'min-max',
): AggregatePoint[] {
  const bySchemeIteration = new Map<string, Map<number, number[]>>();
  for (const row of validRows(rows)) {
    const scheme = schemeOf(row.series);
    let byIteration = bySchemeIteration.get(scheme);
    if (byIteration === undefined) {
      byIteration = new Map();
      bySchemeIteration.set(scheme, byIteration);
    }
    const values = byIteration.get(row.iteration);
    if (values === undefined) byIteration.set(row.iteration, [row.value]);
    else values.push(row.value);
  }
  const points: AggregatePoint[] = [];
  for (const [scheme, byIteration] of bySchemeIteration) {
    const iterations = [...byIteration.keys()].sort((a, b) => a - b);
    for (const iteration of iterations) {
      const values = byIteration.get(iteration) ?? [];
      const n = values.length;
      const mean = values.reduce((sum, value) => sum + value, 0) / n;
      let lower: number;
      let upper: number;
      if (band === 'std') {
        const variance =
          n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
        const std = Math.sqrt(variance);
        lower = mean - std;
        upper = mean + std;
      } else {
        lower = Math.min(...values);
        upper = Math.max(...values);
      }
      points.push({ scheme, iteration, mean, lower, upper, seeds: n });
    }
  }
  return points;
}

/** Checks iterations, drops non-finite values, and returns the rows in a stable order. */
function validRows(rows: readonly CurvePoint[]): CurvePoint[] {
  const kept: CurvePoint[] = [];
  rows.forEach((row, index) => {
    if (typeof row.series !== 'string') {
      throw new InvalidArgumentError({
        field: `rows[${index}].series`,
        reason: `expected a string, got ${typeof row.series}`,
      });
    }
    if (typeof row.iteration !== 'number' || !Number.isFinite(row.iteration)) {
      throw new InvalidArgumentError({
        field: `rows[${index}].iteration`,
        reason: `expected a finite number, got ${String(row.iteration)}`,
      });
    }
    if (typeof row.value === 'number' && Number.isFinite(row.value)) {
      kept.push({ series: row.series, iteration: row.iteration, value: row.value });
    }
  });
  return kept;
}

/** Distinct values in order of first appearance. */
function firstAppearance(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Length of the longest group, by key. */
function longestGroup<T>(items: readonly T[], key: (item: T) => string): number {
  const counts = new Map<string, number>();
  let longest = 0;
  for (const item of items) {
    const count = (counts.get(key(item)) ?? 0) + 1;
    counts.set(key(item), count);
    longest = Math.max(longest, count);
  }
  return longest;
}

const ITERATION_AXIS = {
  field: 'iteration',
  type: 'quantitative',
  title: 'iteration',
  scale: { zero: false },
  axis: { format: 'd', tickMinStep: 1 },
} as const;

/**
 * Vega-Lite spec of learning curves: one line per series, or with `aggregate` one mean line and
 * one band per scheme.
 *
 * @remarks
 * Colours follow the order in which series (schemes) first appear in `rows`, so the same input
 * always gives the same picture. Points with a non-finite `value` are left out; a non-finite
 * `iteration` throws `InvalidArgumentError`.
 *
 * @param rows - the points; build them from metrics lines with {@link curvePoints}.
 */
export function learningCurveSpec(
  rows: readonly CurvePoint[],
  options: LearningCurveOptions,
): TopLevelSpec {
  const width = options.width ?? PLOT_SIZE.width;
  const height = options.height ?? PLOT_SIZE.height;
  const kept = validRows(rows);
  const seriesOrder = firstAppearance(kept.map((row) => row.series));

  if (options.aggregate !== true) {
    const rank = new Map(seriesOrder.map((series, index) => [series, index]));
    const values = [...kept].sort(
      (a, b) => (rank.get(a.series) ?? 0) - (rank.get(b.series) ?? 0) || a.iteration - b.iteration,
    );
    const markers = longestGroup(values, (row) => row.series) <= MAX_POINTS_WITH_MARKERS;
    return {
      $schema: SCHEMA_URL,
      title: options.title ?? options.metric,
      width,
      height,
      config: CONFIG,
      data: { values },
      mark: { type: 'line', strokeWidth: 2, point: markers },
      encoding: {
        x: ITERATION_AXIS,
        y: { field: 'value', type: 'quantitative', title: options.metric },
        color: {
          field: 'series',
          type: 'nominal',
          title: 'series',
          scale: { domain: seriesOrder },
        },
        tooltip: [
          { field: 'series', type: 'nominal' },
          { field: 'iteration', type: 'quantitative' },
          { field: 'value', type: 'quantitative', title: options.metric, format: '.4~g' },
        ],
      },
    };
  }

  const band = options.band ?? 'min-max';
  const values = aggregateCurves(kept, band);
  const schemes = firstAppearance(values.map((point) => point.scheme));
  const markers = longestGroup(values, (point) => point.scheme) <= MAX_POINTS_WITH_MARKERS;
  // Both layers share this colour encoding, so vega-lite merges their legends into one; its
  // symbols are drawn as opaque strokes, not with the band's faint fill.
  const color = {
    field: 'scheme',
    type: 'nominal',
    title: 'scheme',
    scale: { domain: schemes },
    legend: { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 2 },
  } as const;
  return {
    $schema: SCHEMA_URL,
    title: {
      text: options.title ?? options.metric,
      subtitle: `mean over seeds; band: ${band === 'std' ? 'mean ± std' : 'min to max'}`,
    },
    width,
    height,
    config: CONFIG,
    data: { values },
    encoding: { x: ITERATION_AXIS },
    layer: [
      {
        mark: { type: 'area', opacity: 0.2 },
        encoding: {
          y: { field: 'lower', type: 'quantitative', title: options.metric },
          y2: { field: 'upper' },
          color,
        },
      },
      {
        mark: { type: 'line', strokeWidth: 2, point: markers },
        encoding: {
          y: { field: 'mean', type: 'quantitative', title: options.metric },
          color,
          tooltip: [
            { field: 'scheme', type: 'nominal' },
            { field: 'iteration', type: 'quantitative' },
            { field: 'mean', type: 'quantitative', format: '.4~g' },
            { field: 'lower', type: 'quantitative', format: '.4~g' },
            { field: 'upper', type: 'quantitative', format: '.4~g' },
            { field: 'seeds', type: 'quantitative' },
          ],
        },
      },
    ],
  };
}

/**
 * Learning-curve points of one metric from metrics lines (as read by `readMetricsJsonl`). Lines
 * without the metric, or without a numeric `iteration`, are skipped.
 */
export function curvePoints(
  series: string,
  lines: readonly { readonly [key: string]: number | undefined }[],
  metric: string,
): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const line of lines) {
    const iteration = line.iteration;
    const value = line[metric];
    if (typeof iteration === 'number' && typeof value === 'number') {
      points.push({ series, iteration, value });
    }
  }
  return points;
}

/** Options of {@link attributionSpec}. */
export interface AttributionOptions {
  /** Chart title. Default: `Per-step contributions c_t`. */
  readonly title?: string;
  /**
   * `facet` (default): one row per trajectory, a bar per step coloured by whether the action was
   * grounded. `color`: all trajectories in one panel, one coloured line per trajectory.
   */
  readonly layout?: 'facet' | 'color';
  /** Plot-area width in pixels. Default: {@link PLOT_SIZE}.width. */
  readonly width?: number;
  /** Height of one facet row (`facet`) or of the panel (`color`), in pixels. */
  readonly height?: number;
}

/** Task ids longer than this are shortened in the middle in labels (the tooltip has them whole). */
const MAX_TASK_ID_LENGTH = 40;

/** `text` cut to `max` characters by replacing its middle with `…`. */
function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}

/**
 * Label of trajectory `index` in attribution plots, e.g. `#1 train/000-pick-mug (won, R=1,
 * sum c_t=0.98)`; task ids over 40 characters are shortened in the middle.
 */
export function trajectoryLabel(trajectory: Trajectory, index: number, sum: number): string {
  const outcome = trajectory.won ? 'won' : 'lost';
  const task = shortenMiddle(trajectory.taskId, MAX_TASK_ID_LENGTH);
  return `#${index + 1} ${task} (${outcome}, R=${formatNumber(trajectory.finalReward)}, sum c_t=${formatNumber(sum)})`;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const text = value.toFixed(2);
  return text === '-0.00' ? '0.00' : text;
}

/**
 * Vega-Lite spec of the progress estimator's per-step contributions c_t along a few trajectories
 * (x = step index t from 0, y = c_t), labelled by task id and outcome, with the action text in
 * the tooltip.
 *
 * @throws InvalidArgumentError naming `trajectories[i].contributions` when a trajectory has no
 *   contributions, one per step, or `trajectories[i].contributions[t]` when one is not finite.
 */
export function attributionSpec(
  trajectories: readonly Trajectory[],
  options: AttributionOptions = {},
): TopLevelSpec {
  if (trajectories.length === 0) {
    throw new InvalidArgumentError({
      field: 'trajectories',
      reason: 'expected at least one trajectory',
    });
  }
  const labels: string[] = [];
  const values: {
    trajectory: string;
    task: string;
    step: number;
    contribution: number;
    action: string;
    grounded: string;
  }[] = [];
  trajectories.forEach((trajectory, index) => {
    const field = `trajectories[${index}].contributions`;
    const contributions = trajectory.contributions;
    if (contributions === undefined) {
      throw new InvalidArgumentError({
        field,
        reason: `missing on trajectory of task "${trajectory.taskId}"; score the trajectories with a progress estimator first`,
      });
    }
    if (contributions.length !== trajectory.steps.length) {
      throw new InvalidArgumentError({
        field,
        reason: `expected one contribution per step (${trajectory.steps.length}), got ${contributions.length}`,
      });
    }
    let sum = 0;
    contributions.forEach((contribution, step) => {
      if (typeof contribution !== 'number' || !Number.isFinite(contribution)) {
        throw new InvalidArgumentError({
          field: `${field}[${step}]`,
          reason: `expected a finite number, got ${String(contribution)}`,
        });
      }
      sum += contribution;
    });
    const label = trajectoryLabel(trajectory, index, sum);
    labels.push(label);
    trajectory.steps.forEach((step, t) => {
      values.push({
        trajectory: label,
        task: trajectory.taskId,
        step: t,
        contribution: contributions[t] ?? 0,
        action: step.action,
        grounded: step.grounded ? 'grounded' : 'not grounded',
      });
    });
  });

  const width = options.width ?? PLOT_SIZE.width;
  const title = options.title ?? 'Per-step contributions c_t';
  const tooltip: TooltipField[] = [
    { field: 'task', type: 'nominal' },
    { field: 'step', type: 'quantitative', title: 't' },
    { field: 'contribution', type: 'quantitative', title: 'c_t', format: '.4~g' },
    { field: 'action', type: 'nominal' },
    { field: 'grounded', type: 'nominal' },
  ];
  const y = { field: 'contribution', type: 'quantitative', title: 'c_t' } as const;
  const zeroRule = {
    mark: { type: 'rule', color: '#888', strokeWidth: 1 },
    encoding: { y: { datum: 0 } },
  } as const;

  if (options.layout === 'color') {
    return {
      $schema: SCHEMA_URL,
      title,
      width,
      height: options.height ?? PLOT_SIZE.height,
      config: CONFIG,
      data: { values },
      layer: [
        zeroRule,
        {
          mark: { type: 'line', strokeWidth: 2, point: true },
          encoding: {
            x: {
              field: 'step',
              type: 'quantitative',
              title: 'step t',
              axis: { format: 'd', tickMinStep: 1 },
            },
            y,
            color: {
              field: 'trajectory',
              type: 'nominal',
              title: 'trajectory',
              scale: { domain: labels },
              legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 },
            },
            tooltip,
          },
        },
      ],
    };
  }

  return {
    $schema: SCHEMA_URL,
    title,
    config: CONFIG,
    data: { values },
    facet: {
      row: {
        field: 'trajectory',
        type: 'nominal',
        sort: labels,
        title: null,
        header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelLimit: 0 },
      },
    },
    spec: {
      width,
      height: options.height ?? FACET_HEIGHT,
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: {
              field: 'step',
              type: 'ordinal',
              title: 'step t',
              axis: { labelAngle: 0, labelOverlap: 'parity' },
            },
            y,
            color: {
              field: 'grounded',
              type: 'nominal',
              title: 'action',
              scale: { domain: ['grounded', 'not grounded'], range: ['#4c78a8', '#e45756'] },
            },
            tooltip,
          },
        },
        zeroRule,
      ],
    },
  };
}
