// Overlaid learning curves: one metric of every run on one chart (uPlot), aligned by epoch or
// step, log scale for losses, EMA smoothing, one colour per run and a legend that reads the values
// under the cursor. The chart is rebuilt only when its data or controls change.

import uPlot from 'uplot';
import {
  DEFAULT_CURVE_VIEW,
  MAX_SMOOTHING,
  type CompareState,
  type CurveMetric,
  type CurveView,
} from '../../src/protocol/comparePanelProtocol';
import { alignCurves, lastValue, nearestValue, type AlignedCurves } from './curveAlign';
import { custom, el, replaceChildren, setHidden, setText } from '../shared/dom';
import { formatValue } from './format';
import { swatch } from './runHeader';

const HEIGHT = 320;

type Checkbox = HTMLElement & { checked: boolean; disabled: boolean };
type RadioGroup = HTMLElement & { value: string };

export interface ChartStyle {
  foreground: string;
  grid: string;
  font: string;
}

/** The metric drawn: the one asked for when a run has it, else validation loss, else the first. */
export function chosenMetric(metrics: readonly CurveMetric[], wanted: string): CurveMetric | null {
  return metrics.find((m) => m.key === wanted) ?? metrics.find((m) => m.key === 'validation/loss') ?? metrics[0] ?? null;
}

export class CurvesSection {
  private view: CurveView;
  private state: CompareState | null = null;
  private colors: readonly string[] = [];
  private style: ChartStyle;
  private plot: uPlot | null = null;
  private drawnKey = '';
  /** The curves as logged: the legend reads them (the chart draws them smoothed over). */
  private raw: AlignedCurves | null = null;
  private readonly metricSelect = el('select', { id: 'curve-metric' });
  private readonly axisGroup: RadioGroup;
  private readonly logBox: Checkbox;
  private readonly smoothing = el('input', { type: 'range', id: 'curve-smoothing', min: '0', max: String(MAX_SMOOTHING), step: '0.01' });
  private readonly smoothingText = el('output', { for: 'curve-smoothing' });
  private readonly host = el('div', { class: 'chart-plot', role: 'img' });
  private readonly empty = el('p', { class: 'chart-empty muted' });
  private readonly legend = el('ul', { class: 'legend', 'aria-label': 'Runs on the chart' });
  private readonly note = el('p', { class: 'hint muted' });

  constructor(root: HTMLElement, view: CurveView, style: ChartStyle, private readonly onView: (view: CurveView) => void) {
    this.view = view;
    this.style = style;
    this.axisGroup = custom(
      'vscode-radio-group',
      { orientation: 'horizontal' },
      el('label', { slot: 'label' }, 'Align by'),
      custom('vscode-radio', { value: 'epoch' }, 'Epoch'),
      custom('vscode-radio', { value: 'step' }, 'Step'),
    ) as RadioGroup;
    this.logBox = custom('vscode-checkbox', {}, 'Log scale') as Checkbox;
    const controls = el(
      'div',
      { class: 'curve-controls' },
      el('div', { class: 'field' }, el('label', { for: 'curve-metric' }, 'Metric'), this.metricSelect),
      this.axisGroup,
      this.logBox,
      el('div', { class: 'field smoothing' }, el('label', { for: 'curve-smoothing' }, 'Smoothing'), this.smoothing, this.smoothingText),
    );
    root.append(el('div', { class: 'section-head' }, el('h2', { id: 'curves-title' }, 'Learning curves')), controls, this.note, el('div', { class: 'chart' }, this.host, this.empty), this.legend);
    this.metricSelect.addEventListener('change', () => this.change({ metric: this.metricSelect.value }));
    this.axisGroup.addEventListener('change', () => {
      const axis = this.axisGroup.value;
      if ((axis === 'step' || axis === 'epoch') && axis !== this.view.axis) this.change({ axis });
    });
    this.logBox.addEventListener('change', () => {
      if (this.logBox.checked !== this.view.logScale) this.change({ logScale: this.logBox.checked });
    });
    this.smoothing.addEventListener('input', () => this.change({ smoothing: Math.min(MAX_SMOOTHING, Math.max(0, Number(this.smoothing.value))) }));
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(this.host);
    this.syncControls(null);
  }

  get currentView(): CurveView {
    return this.view;
  }

  update(state: CompareState, colors: readonly string[]): void {
    this.state = state;
    this.colors = colors;
    this.draw();
  }

  setStyle(style: ChartStyle, colors: readonly string[]): void {
    this.style = style;
    this.colors = colors;
    this.drawnKey = '';
    this.draw();
  }

  private change(patch: Partial<CurveView>): void {
    this.view = { ...DEFAULT_CURVE_VIEW, ...this.view, ...patch };
    this.onView(this.view);
    this.draw();
  }

  private width(): number {
    return Math.max(280, Math.floor(this.host.clientWidth || 600));
  }

  private syncControls(metric: CurveMetric | null): void {
    const state = this.state;
    const options = state?.curveMetrics ?? [];
    const current = Array.from(this.metricSelect.options, (o) => o.value).join('\u0000');
    if (current !== options.map((m) => m.key).join('\u0000')) {
      replaceChildren(this.metricSelect, ...options.map((m) => el('option', { value: m.key }, m.label)));
    }
    if (metric) this.metricSelect.value = metric.key;
    this.metricSelect.disabled = options.length === 0;
    this.axisGroup.value = this.view.axis;
    this.logBox.checked = this.view.logScale;
    this.logBox.disabled = !(metric?.logScale ?? false);
    this.logBox.title = metric?.logScale ? '' : 'The log scale applies to losses and errors.';
    this.smoothing.value = String(this.view.smoothing);
    setText(this.smoothingText, this.view.smoothing === 0 ? 'off' : this.view.smoothing.toFixed(2));
  }

  private draw(): void {
    const state = this.state;
    if (!state) return;
    const metric = chosenMetric(state.curveMetrics, this.view.metric);
    this.syncControls(metric);
    const log = this.view.logScale && (metric?.logScale ?? false);
    const key = JSON.stringify([state.curvesVersion, state.runs.map((r) => `${r.ref.runsDir}/${r.ref.runId}`), metric?.key, this.view.axis, log, this.view.smoothing, this.colors]);
    if (key === this.drawnKey && this.plot) return;
    this.drawnKey = key;
    if (!metric || state.runs.length === 0) {
      this.destroy();
      setText(this.empty, state.runs.length === 0 ? 'No runs.' : 'No curves yet: the runs have not logged metrics.');
      setHidden(this.empty, false);
      setHidden(this.host, true);
      replaceChildren(this.legend);
      setText(this.note, '');
      return;
    }
    const inputs = state.runs.map((run, i) => ({ series: state.curves[i]?.series.find((s) => s.key === metric.key) ?? null, stepsPerEpoch: run.stepsPerEpoch }));
    const raw = alignCurves(inputs, { axis: this.view.axis, smoothing: 0, logScale: log });
    const smoothed = this.view.smoothing > 0 ? alignCurves(inputs, { axis: this.view.axis, smoothing: this.view.smoothing, logScale: log }) : null;
    this.raw = raw;
    const missing = state.runs.filter((_, i) => raw.series[i].every((v) => v === null)).map((r) => r.name);
    setText(this.note, missing.length > 0 ? `No ${metric.label.toLowerCase()} for ${missing.join(', ')}.` : '');
    const axisName = this.view.axis === 'epoch' ? 'epoch' : 'step';
    this.host.setAttribute('aria-label', `${metric.label} of ${state.runs.length} runs by ${axisName}${log ? ', log scale' : ''}`);
    setHidden(this.empty, raw.x.length > 0);
    setHidden(this.host, raw.x.length === 0);
    setText(this.empty, 'No points to draw.');
    this.destroy();
    // Smoothed curves over the logged ones drawn faintly, as TensorBoard does.
    const data: uPlot.AlignedData = [raw.x, ...raw.series, ...(smoothed ? smoothed.series : [])];
    if (raw.x.length > 0) this.plot = new uPlot(this.options(metric, log, axisName, smoothed !== null), data, this.host);
    this.renderLegend(null);
  }

  private destroy(): void {
    this.plot?.destroy();
    this.plot = null;
  }

  private renderLegend(index: number | null): void {
    const state = this.state;
    const raw = this.raw;
    if (!state || !raw) return;
    const items = state.runs.map((run, i) => {
      const column = raw.series[i] ?? [];
      const value = index === null ? lastValue(column) : nearestValue(column, index);
      return el('li', {}, swatch(this.colors[i]), el('span', { class: 'legend-name' }, run.name), el('span', { class: 'legend-value' }, formatValue(value)));
    });
    const x = index === null ? null : raw.x[index];
    const where = x === null || x === undefined ? 'last values' : `at ${this.view.axis} ${this.view.axis === 'epoch' ? x.toFixed(2) : Math.round(x)}`;
    replaceChildren(this.legend, el('li', { class: 'legend-where muted' }, where), ...items);
  }

  private options(metric: CurveMetric, log: boolean, axisName: string, smoothed: boolean): uPlot.Options {
    const s = this.style;
    const axisStyle = { stroke: s.foreground, font: s.font, labelFont: s.font, grid: { stroke: s.grid, width: 1 }, ticks: { stroke: s.grid, width: 1 } };
    const state = this.state;
    const sparse = (i: number): boolean => (this.raw?.series[i]?.filter((v) => v !== null).length ?? 0) <= 30;
    const runs = state?.runs ?? [];
    const line = (i: number, faint: boolean): uPlot.Series => ({
      label: runs[i]?.name ?? '',
      stroke: this.colors[i],
      width: faint ? 1 : 2,
      alpha: faint ? 0.3 : 1,
      spanGaps: true,
      points: !faint && sparse(i) ? { show: true, size: 5, fill: this.colors[i] } : { show: false },
    });
    return {
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      series: [{ label: axisName }, ...runs.map((_, i) => line(i, smoothed)), ...(smoothed ? runs.map((_, i) => line(i, false)) : [])],
      axes: [
        { ...axisStyle, label: axisName },
        { ...axisStyle, label: metric.label, size: 64, space: 28, values: (_u, splits) => splits.map((v) => (v === null || v === undefined ? '' : formatValue(v))) },
      ],
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setCursor: [(u) => this.renderLegend(u.cursor.idx ?? null)],
      },
    };
  }
}
