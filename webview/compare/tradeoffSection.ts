// The trade-off charts: each run's headline test metric against its trainable parameters (log
// scale) and against its training time, one point per run in the run's colour. Drawn by the
// reports' SVG chart builder; the SVG is parsed as XML (never as HTML) and its text is escaped.

import type { CompareState, TradeoffData, TradeoffPoint } from '../../src/protocol/comparePanelProtocol';
import { renderLineChart, type ChartSeries } from '../../src/engine/charts/lineChart';
import { el, replaceChildren, setHidden, setText } from '../shared/dom';

type Cost = 'trainableParams' | 'trainingSeconds';

function series(data: TradeoffData, cost: Cost, colors: readonly string[]): ChartSeries[] {
  const points = data.points.filter((p): p is TradeoffPoint & Record<Cost, number> => p[cost] !== null);
  return points.map((p) => ({
    name: p.label,
    style: 'points',
    color: colors[p.run],
    points: [[p[cost], data.percent ? p.metric * 100 : p.metric]],
    pointLabels: [p.label],
  }));
}

function svgNode(svg: string): Node {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  return document.importNode(doc.documentElement, true);
}

function chart(data: TradeoffData, cost: Cost, colors: readonly string[]): HTMLElement {
  const what = cost === 'trainableParams' ? 'trainable parameters' : 'training time';
  const title = `${data.metricLabel[0].toUpperCase()}${data.metricLabel.slice(1)} against ${what}`;
  const s = series(data, cost, colors);
  if (s.length === 0) return el('figure', { class: 'tradeoff-chart' }, el('figcaption', {}, title), el('p', { class: 'muted' }, `No run records its ${what}.`));
  const svg = renderLineChart({
    title,
    xLabel: cost === 'trainableParams' ? 'trainable parameters' : 'training time (s)',
    yLabel: data.percent ? `${data.metricLabel} (%)` : data.metricLabel,
    series: s,
    logX: cost === 'trainableParams',
    xFromZero: cost === 'trainingSeconds',
    width: 480,
    height: 280,
  });
  const summary = s.map((x) => `${x.name}: ${x.points[0][1].toPrecision(4)}${data.percent ? '%' : ''} at ${x.points[0][0]}`).join('; ');
  return el('figure', { class: 'tradeoff-chart', role: 'img', 'aria-label': `${title}. ${summary}` }, svgNode(svg));
}

export class TradeoffSection {
  private readonly title = el('h2', { id: 'tradeoff-title' }, 'Trade-offs');
  private readonly hint = el('p', { class: 'hint muted' });
  private readonly body = el('div', { class: 'tradeoff-charts' });
  private key = '';

  constructor(private readonly root: HTMLElement) {
    root.append(el('div', { class: 'section-head' }, this.title), this.hint, this.body);
  }

  update(state: CompareState, colors: readonly string[]): void {
    const data = state.tradeoff;
    setHidden(this.root, data === null);
    if (!data) return;
    const key = JSON.stringify([data, colors]);
    if (key === this.key) return;
    this.key = key;
    setText(this.title, data.title);
    const left = state.runs.length - data.points.length;
    setText(this.hint, `The ${data.metricLabel} of each run against what it cost${left > 0 ? `; ${left} run${left === 1 ? ' has' : 's have'} no ${data.metricLabel}` : ''}.`);
    replaceChildren(this.body, chart(data, 'trainableParams', colors), chart(data, 'trainingSeconds', colors));
  }
}
