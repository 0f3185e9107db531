// The four training charts (loss, validation metric, learning rate, throughput), drawn with
// uPlot. Updates are batched into one animation frame; a chart is rebuilt only when its series,
// axis or theme change, otherwise it gets new data (keeping a zoom the user made).

import uPlot from 'uplot';
import type { CheckpointMark, DashboardAxis } from '../../src/protocol/dashboardProtocol';
import type { ChartTheme } from './chartTheme';
import type { AlignedTable } from './alignedTable';
import type { ChartId, CurveStore } from './curveSeries';
import { el, setHidden, setText } from '../shared/dom';
import { formatCount, formatValue } from './format';
import { stepToAxis, toPlotData } from './plotData';

export interface CurveView {
  axis: DashboardAxis;
  stepsPerEpoch: number | null;
  checkpoints: CheckpointMark[];
}

interface ChartSpec {
  id: ChartId;
  title: string;
  empty: string;
}

const SPECS: readonly ChartSpec[] = [
  { id: 'loss', title: 'Loss', empty: 'The loss appears with the first training step.' },
  { id: 'metric', title: 'Validation metric', empty: 'No validation yet: it runs after each epoch (or every N steps).' },
  { id: 'learningRate', title: 'Learning rate', empty: 'The learning rate appears with the first training step.' },
  { id: 'throughput', title: 'Throughput', empty: 'Throughput is measured once training has run for a second.' },
];

/** More rows than this are decimated (min/max per bucket) before drawing. */
const MAX_ROWS = 6000;
const HEIGHT = 220;

interface Slot {
  spec: ChartSpec;
  table: AlignedTable;
  figure: HTMLElement;
  host: HTMLElement;
  summary: HTMLElement;
  empty: HTMLElement;
  plot: uPlot | null;
  /** Series keys + axis the plot was built for. */
  shape: string;
  drawn: string;
  zoomed: boolean;
  /** An x range to zoom back to after a rebuild (theme change). */
  restoreZoom: { axis: DashboardAxis; min: number; max: number } | null;
}

export class CurveCharts {
  private readonly slots: Slot[];
  private view: CurveView;
  private theme: ChartTheme;
  private viewVersion = 0;
  private frame = 0;
  private readonly resize: ResizeObserver;

  private readonly store: CurveStore;

  constructor(root: HTMLElement, store: CurveStore, view: CurveView, theme: ChartTheme) {
    this.store = store;
    this.view = view;
    this.theme = theme;
    this.slots = SPECS.map((spec) => {
      const titleId = `chart-${spec.id}-title`;
      const summary = el('span', { class: 'chart-summary' });
      const host = el('div', { class: 'chart-plot', role: 'img', 'aria-labelledby': titleId });
      const empty = el('p', { class: 'chart-empty' }, spec.empty);
      const figure = el(
        'figure',
        { class: 'chart', 'data-chart': spec.id },
        el('figcaption', {}, el('h3', { id: titleId }, spec.title), summary),
        host,
        empty,
      );
      root.appendChild(figure);
      const slot: Slot = { spec, table: store.charts[spec.id], figure, host, summary, empty, plot: null, shape: '', drawn: '', zoomed: false, restoreZoom: null };
      // Double-click resets a zoom (uPlot's own handler); capture runs first, so the reset spans the run.
      host.addEventListener('dblclick', () => {
        slot.zoomed = false;
      }, { capture: true });
      return slot;
    });
    this.resize = new ResizeObserver(() => {
      for (const slot of this.slots) slot.plot?.setSize({ width: this.widthOf(slot), height: HEIGHT });
    });
    this.resize.observe(root);
  }

  setView(view: CurveView): void {
    this.view = view;
    this.viewVersion++;
    this.schedule();
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    for (const slot of this.slots) {
      const x = slot.plot?.scales.x;
      // Rebuilt in the new colours; a zoom the user made is kept.
      const zoom = slot.zoomed && x && x.min !== undefined && x.max !== undefined ? { axis: this.view.axis, min: x.min, max: x.max } : null;
      this.destroyPlot(slot);
      slot.restoreZoom = zoom;
    }
    this.schedule();
  }

  /** Something in the tables changed: redraw in the next frame. */
  schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const slot of this.slots) this.draw(slot);
    });
  }

  private widthOf(slot: Slot): number {
    return Math.max(240, Math.floor(slot.host.clientWidth || slot.figure.clientWidth || 480));
  }

  private draw(slot: Slot): void {
    const { table } = slot;
    const stamp = `${table.version}|${this.viewVersion}`;
    if (stamp === slot.drawn && slot.plot) return;
    slot.drawn = stamp;
    const hasData = table.x.length > 0 && table.columns.length > 0;
    setHidden(slot.empty, hasData);
    setHidden(slot.host, !hasData);
    this.summarize(slot);
    if (!hasData) {
      this.destroyPlot(slot);
      return;
    }
    const data = toPlotData(table, { axis: this.view.axis, stepsPerEpoch: this.view.stepsPerEpoch, maxRows: MAX_ROWS });
    const aligned: uPlot.AlignedData = [data.x, ...data.series];
    const shape = `${this.view.axis}|${table.columns.map((c) => c.key).join(',')}`;
    if (slot.plot && slot.shape === shape) {
      slot.plot.setData(aligned, !slot.zoomed);
      return;
    }
    const restore = slot.restoreZoom?.axis === this.view.axis ? slot.restoreZoom : null;
    this.destroyPlot(slot);
    slot.shape = shape;
    slot.zoomed = false;
    slot.restoreZoom = null;
    slot.plot = new uPlot(this.options(slot), aligned, slot.host);
    if (restore) {
      slot.plot.setScale('x', { min: restore.min, max: restore.max });
      slot.zoomed = true;
    }
  }

  private destroyPlot(slot: Slot): void {
    slot.plot?.destroy();
    slot.plot = null;
    slot.shape = '';
    slot.drawn = '';
  }

  private summarize(slot: Slot): void {
    const parts: string[] = [];
    slot.table.columns.forEach((c, i) => {
      const last = slot.table.last(i);
      if (last) parts.push(`${c.label} ${formatValue(last.value)}`);
    });
    const lastX = slot.table.x[slot.table.x.length - 1];
    const text = parts.length === 0 ? 'no data yet' : `${parts.join(' · ')} (step ${formatCount(lastX)})`;
    setText(slot.summary, parts.length === 0 ? '' : text);
    slot.host.setAttribute('aria-label', `${slot.spec.title} chart: ${text}`);
  }

  private options(slot: Slot): uPlot.Options {
    const theme = this.theme;
    const axis = this.view.axis;
    const usesR2 = slot.table.columns.some((c) => c.key === 'validation/r2') && slot.table.columns.length > 1;
    const axisStyle = {
      stroke: theme.foreground,
      font: theme.font,
      labelFont: theme.font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
    };
    const series: uPlot.Series[] = [
      {
        label: axis === 'epoch' ? 'Epoch' : 'Step',
        value: (_u, v) => (v === null ? '—' : axis === 'epoch' ? v.toFixed(2) : formatCount(v)),
      },
      ...slot.table.columns.map(
        (c): uPlot.Series => ({
          label: c.label,
          stroke: theme.colorOf(c.key),
          width: c.sparse ? 2 : 1.5,
          spanGaps: true,
          scale: usesR2 && c.key === 'validation/r2' ? 'r2' : 'y',
          points: c.sparse ? { show: true, size: 6, fill: theme.colorOf(c.key) } : { show: false },
          value: (_u, v) => formatValue(v),
        }),
      ),
    ];
    const axes: uPlot.Axis[] = [
      { ...axisStyle, label: axis === 'epoch' ? 'epoch' : 'step' },
      { ...axisStyle, size: 60, space: 24, values: (_u, splits) => splits.map((v) => formatValue(v)) },
    ];
    if (usesR2) axes.push({ ...axisStyle, scale: 'r2', side: 1, size: 50, space: 24, grid: { show: false }, values: (_u, splits) => splits.map((v) => formatValue(v)) });
    return {
      width: this.widthOf(slot),
      height: HEIGHT,
      scales: {
        x: {
          time: false,
          // The run's whole span, also for charts whose first point comes later (validation);
          // a zoom the user made is left alone.
          range: (_u, min, max) => (slot.zoomed ? [min, max] : [Math.min(min, 0), Math.max(max, stepToAxis(this.store.lastStep, this.view))]),
        },
      },
      series,
      axes,
      legend: { show: true, live: true },
      cursor: { sync: { key: 'finetune-dashboard', scales: ['x', null] }, drag: { x: true, y: false } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width > 0) slot.zoomed = true;
          },
        ],
      },
      plugins: [this.markersPlugin()],
    };
  }

  /** Vertical lines at the checkpoints: solid for the best, dashed for the last. */
  private markersPlugin(): uPlot.Plugin {
    return {
      hooks: {
        draw: [
          (u) => {
            const marks = new Map<number, { labels: string[]; best: boolean }>();
            for (const c of this.view.checkpoints) {
              const entry = marks.get(c.step) ?? { labels: [], best: false };
              entry.labels.push(c.isBest ? 'best' : c.name);
              entry.best ||= c.isBest;
              marks.set(c.step, entry);
            }
            const ctx = u.ctx;
            const ratio = window.devicePixelRatio || 1;
            ctx.save();
            for (const [step, mark] of marks) {
              const left = Math.round(u.valToPos(stepToAxis(step, this.view), 'x', true));
              if (left < u.bbox.left || left > u.bbox.left + u.bbox.width) continue;
              const color = mark.best ? this.theme.best : this.theme.last;
              ctx.strokeStyle = color;
              ctx.fillStyle = color;
              ctx.lineWidth = ratio;
              ctx.setLineDash(mark.best ? [] : [4 * ratio, 4 * ratio]);
              ctx.beginPath();
              ctx.moveTo(left, u.bbox.top);
              ctx.lineTo(left, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.font = this.theme.font.replace(/^(\d+)px/, (_m, px: string) => `${Number(px) * ratio}px`);
              const text = `◆ ${mark.labels.join(', ')}`;
              const width = ctx.measureText(text).width;
              const x = left + 4 * ratio + width > u.bbox.left + u.bbox.width ? left - 4 * ratio - width : left + 4 * ratio;
              ctx.fillText(text, x, u.bbox.top + 12 * ratio);
            }
            ctx.restore();
          },
        ],
      },
    };
  }
}
