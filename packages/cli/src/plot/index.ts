/**
 * Plots of the `spa` CLI: learning curves from `metrics.jsonl` and per-step contribution charts,
 * as Vega-Lite specs rendered headless to SVG (vega) and PNG (resvg), with no native canvas.
 *
 * @packageDocumentation
 */
export { type MetricsLine, readMetricsJsonl } from './metrics';
export {
  canRenderText,
  type RenderSvgOptions,
  renderSvg,
  type SvgToPngOptions,
  svgToPng,
  type WritePlotOptions,
  writePlot,
} from './render';
export {
  type AggregatePoint,
  type AttributionOptions,
  aggregateCurves,
  attributionSpec,
  type CurvePoint,
  curvePoints,
  type LearningCurveOptions,
  learningCurveSpec,
  PLOT_FONT,
  PLOT_SIZE,
  schemeOf,
  trajectoryLabel,
} from './specs';
