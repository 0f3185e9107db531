// An SVG line (or scatter) chart as a string: axes with nice ticks, a grid, one line per series,
// a legend. Pure string building, no dependencies, the same output for the same input.

import { formatTick, makeScale, type Scale } from './svgScale';
import { element, paletteColor, px, svgDocument, textElement, textWidth } from './svgText';

export type ChartPoint = readonly [x: number, y: number];

export interface ChartSeries {
  /** Shown in the legend. */
  name: string;
  points: readonly ChartPoint[];
  /** CSS colour; default: the palette colour of the series' index. */
  color?: string;
  /** Dashed line (e.g. the training curve beside the validation one). */
  dashed?: boolean;
  /** 'line' joins the points (markers when there are few); 'points' draws markers only. */
  style?: 'line' | 'points';
  /** Text beside each point (scatter charts), in the order of `points`. */
  pointLabels?: readonly string[];
  /** Line opacity, 0..1 (default 1). */
  opacity?: number;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** Total width in pixels (default 640). */
  width?: number;
  /** Height of title, plot and axes in pixels, without the legend (default 300). */
  height?: number;
  logX?: boolean;
  logY?: boolean;
  /** Start a linear x axis at 0 (e.g. for times and counts). */
  xFromZero?: boolean;
  /** Most points drawn per series; longer series are averaged in buckets (default 400). */
  maxPoints?: number;
}

const MARGIN = { left: 58, right: 16, top: 30, bottom: 40 };
const LEGEND_ROW = 16;
/** Space below the legend, above the plot. */
const LEGEND_GAP = 8;
/** Lines with at most this many points also get a marker at each point. */
const MARKER_LIMIT = 30;

/** At most `max` points: consecutive points averaged in equal buckets (x and y). Non-finite points are kept apart. */
export function downsample(points: readonly ChartPoint[], max: number): ChartPoint[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: ChartPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (bucket.length === 0) continue;
    out.push([bucket.reduce((a, p) => a + p[0], 0) / bucket.length, bucket.reduce((a, p) => a + p[1], 0) / bucket.length]);
  }
  return out;
}

/** Points the scales can place: finite, and > 0 on a log axis. */
function drawable(point: ChartPoint, logX: boolean, logY: boolean): boolean {
  const [x, y] = point;
  return Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
}

/** Runs of consecutive drawable points: a gap (NaN, or ≤ 0 on a log axis) breaks the line. */
function segments(points: readonly ChartPoint[], logX: boolean, logY: boolean): ChartPoint[][] {
  const runs: ChartPoint[][] = [];
  let current: ChartPoint[] = [];
  for (const point of points) {
    if (drawable(point, logX, logY)) current.push(point);
    else if (current.length > 0) {
      runs.push(current);
      current = [];
    }
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

interface LegendItem {
  x: number;
  row: number;
  series: ChartSeries;
  color: string;
}

function layoutLegend(series: readonly ChartSeries[], colors: readonly string[], width: number): { items: LegendItem[]; rows: number } {
  const items: LegendItem[] = [];
  let x = MARGIN.left;
  let row = 0;
  series.forEach((s, i) => {
    const w = 26 + textWidth(s.name, 11) + 14;
    if (x + w > width - MARGIN.right && x > MARGIN.left) {
      row += 1;
      x = MARGIN.left;
    }
    items.push({ x, row, series: s, color: colors[i] });
    x += w;
  });
  return { items, rows: series.length === 0 ? 0 : row + 1 };
}

function legendSvg(items: readonly LegendItem[], top: number): string[] {
  return items.map(({ x, row, series, color }) => {
    const y = top + row * LEGEND_ROW;
    const swatch =
      series.style === 'points'
        ? element('circle', { cx: x + 10, cy: y, r: 4, fill: color })
        : element('line', { x1: x, y1: y, x2: x + 20, y2: y, stroke: color, 'stroke-width': 2, 'stroke-dasharray': series.dashed ? '5 3' : undefined });
    return element('g', { class: 'legend-item' }, swatch + textElement(series.name, { x: x + 26, y: y + 4, fill: '#333333' }));
  });
}

function axesSvg(x: Scale, y: Scale, plot: { left: number; right: number; top: number; bottom: number }, options: LineChartOptions): string[] {
  const out: string[] = [];
  for (const tick of y.ticks) {
    const ty = y(tick);
    out.push(element('line', { x1: plot.left, y1: ty, x2: plot.right, y2: ty, stroke: '#e5e5e5', 'stroke-width': 1 }));
    out.push(textElement(formatTick(tick), { x: plot.left - 6, y: ty + 4, 'text-anchor': 'end', fill: '#555555' }));
  }
  for (const tick of x.ticks) {
    const tx = x(tick);
    out.push(element('line', { x1: tx, y1: plot.top, x2: tx, y2: plot.bottom, stroke: '#f0f0f0', 'stroke-width': 1 }));
    out.push(textElement(formatTick(tick), { x: tx, y: plot.bottom + 15, 'text-anchor': 'middle', fill: '#555555' }));
  }
  out.push(element('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top, fill: 'none', stroke: '#999999', 'stroke-width': 1 }));
  const xLabel = options.logX ? `${options.xLabel} (log scale)` : options.xLabel;
  const yLabel = options.logY ? `${options.yLabel} (log scale)` : options.yLabel;
  out.push(textElement(xLabel, { x: (plot.left + plot.right) / 2, y: plot.bottom + 32, 'text-anchor': 'middle', fill: '#333333' }));
  const midY = (plot.top + plot.bottom) / 2;
  out.push(textElement(yLabel, { x: 14, y: midY, 'text-anchor': 'middle', fill: '#333333', transform: `rotate(-90 14 ${px(midY)})` }));
  return out;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * Where a point's label goes: right-above, right-below, left-above or left-below of the point,
 * whichever first overlaps no label placed before and stays inside the chart; null when none does.
 */
function placeLabel(text: string, cx: number, cy: number, placed: Box[], bounds: Box): { x: number; y: number; anchor: 'start' | 'end' } | null {
  const w = textWidth(text, 10);
  const h = 11;
  const candidates: { x: number; y: number; anchor: 'start' | 'end'; box: Box }[] = [
    { x: cx + 6, y: cy - 6, anchor: 'start', box: { left: cx + 6, top: cy - 6 - h, right: cx + 6 + w, bottom: cy - 6 } },
    { x: cx + 6, y: cy + 14, anchor: 'start', box: { left: cx + 6, top: cy + 14 - h, right: cx + 6 + w, bottom: cy + 14 } },
    { x: cx - 6, y: cy - 6, anchor: 'end', box: { left: cx - 6 - w, top: cy - 6 - h, right: cx - 6, bottom: cy - 6 } },
    { x: cx - 6, y: cy + 14, anchor: 'end', box: { left: cx - 6 - w, top: cy + 14 - h, right: cx - 6, bottom: cy + 14 } },
  ];
  for (const c of candidates) {
    const inside = c.box.left >= bounds.left && c.box.right <= bounds.right && c.box.top >= bounds.top && c.box.bottom <= bounds.bottom;
    if (inside && !placed.some((b) => overlaps(b, c.box))) {
      placed.push(c.box);
      return c;
    }
  }
  return null;
}

function seriesSvg(
  s: ChartSeries,
  points: readonly ChartPoint[],
  color: string,
  scales: { x: Scale; y: Scale; logX: boolean; logY: boolean },
  labels: { placed: Box[]; bounds: Box },
): string {
  const { x, y, logX, logY } = scales;
  const parts: string[] = [];
  const runs = segments(points, logX, logY);
  const style = s.style ?? 'line';
  if (style === 'line') {
    for (const run of runs) {
      if (run.length < 2) continue;
      const d = run.map(([vx, vy], i) => `${i === 0 ? 'M' : 'L'}${px(x(vx))} ${px(y(vy))}`).join(' ');
      parts.push(
        element('path', {
          d,
          fill: 'none',
          stroke: color,
          'stroke-width': s.dashed ? 1.5 : 2,
          'stroke-dasharray': s.dashed ? '5 3' : undefined,
          'stroke-linejoin': 'round',
          opacity: s.opacity,
        }),
      );
    }
  }
  const count = runs.reduce((a, r) => a + r.length, 0);
  if (style === 'points' || count <= MARKER_LIMIT) {
    points.forEach((point, i) => {
      if (!drawable(point, logX, logY)) return;
      const cx = x(point[0]);
      const cy = y(point[1]);
      parts.push(element('circle', { cx, cy, r: style === 'points' ? 4 : 2.5, fill: color, opacity: s.opacity }));
      const label = s.pointLabels?.[i];
      const spot = label ? placeLabel(label, cx, cy, labels.placed, labels.bounds) : null;
      if (label && spot) parts.push(textElement(label, { x: spot.x, y: spot.y, 'text-anchor': spot.anchor, fill: '#333333', 'font-size': 10 }));
    });
  }
  return element('g', { class: 'series', 'data-name': s.name }, parts.join(''));
}

/** The chart as a standalone SVG document. */
export function renderLineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const baseHeight = options.height ?? 300;
  const logX = options.logX ?? false;
  const logY = options.logY ?? false;
  const colors = options.series.map((s, i) => s.color ?? paletteColor(i));
  const legend = layoutLegend(options.series, colors, width);
  const legendHeight = legend.rows * LEGEND_ROW + (legend.rows > 0 ? LEGEND_GAP : 0);
  const height = baseHeight + legendHeight;
  const plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top + legendHeight, bottom: height - MARGIN.bottom };
  const sampled = options.series.map((s) => (s.style === 'points' ? [...s.points] : downsample(s.points, options.maxPoints ?? 400)));
  const all = sampled.flat().filter((p) => drawable(p, logX, logY));
  const body: string[] = [textElement(options.title, { x: MARGIN.left, y: 18, 'font-size': 13, 'font-weight': 'bold', fill: '#222222' })];
  body.push(...legendSvg(legend.items, MARGIN.top + LEGEND_ROW / 2 - 2));
  if (all.length === 0) {
    body.push(element('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top, fill: 'none', stroke: '#999999' }));
    body.push(textElement('No data yet', { x: (plot.left + plot.right) / 2, y: (plot.top + plot.bottom) / 2, 'text-anchor': 'middle', fill: '#777777' }));
    return svgDocument(width, height, options.title, body);
  }
  const x = makeScale(all.map((p) => p[0]), plot.left, plot.right, { log: logX, count: 6, includeZero: options.xFromZero });
  const y = makeScale(all.map((p) => p[1]), plot.bottom, plot.top, { log: logY, count: 5 });
  body.push(...axesSvg(x, y, plot, options));
  const placed: Box[] = [];
  const labels = { placed, bounds: { left: plot.left, top: plot.top, right: width - 2, bottom: plot.bottom } };
  options.series.forEach((s, i) => body.push(seriesSvg(s, sampled[i], colors[i], { x, y, logX, logY }, labels)));
  return svgDocument(width, height, options.title, body);
}
