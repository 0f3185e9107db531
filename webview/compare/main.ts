// The comparison webview: says ready, then renders the host's state snapshots. Local to the
// webview: the chart's controls. Everything else is asked of the host, which sends a new state.
// No inline handlers, no eval; every message from the host is checked before use.

import uplotCss from 'uplot/dist/uPlot.min.css';
import {
  DEFAULT_CURVE_VIEW,
  isCompareDownMessage,
  isCurveView,
  type CompareState,
  type CompareUpMessage,
  type CompareViewState,
  type CurveView,
} from '../../src/protocol/comparePanelProtocol';
import { registerToolkit } from '../shared/toolkit';
import { vscodeApi } from '../shared/vscodeApi';
import { ConfigSection } from './configSection';
import { ConfusionSection } from './confusionSection';
import { CurvesSection, type ChartStyle } from './curvesSection';
import { custom, el, setHidden, setText } from '../shared/dom';
import { EvaluationPicker } from './evaluationPicker';
import { ExamplesSection } from './examplesSection';
import { MetricsSection } from './metricsSection';
import { readThemeColors, slotColor } from './palette';
import { TradeoffSection } from './tradeoffSection';

function chartStyle(): ChartStyle {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    foreground: read('--vscode-charts-foreground', read('--vscode-foreground', '#cccccc')),
    grid: read('--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)'),
    font: `11px ${read('--vscode-font-family', 'sans-serif')}`,
  };
}

function main(): void {
  registerToolkit();
  const css = document.createElement('style');
  css.textContent = uplotCss;
  document.head.appendChild(css);

  const api = vscodeApi<CompareViewState>();
  const saved = api.getState();
  let curveView: CurveView = saved && isCurveView(saved.curves) ? saved.curves : DEFAULT_CURVE_VIEW;
  let state: CompareState | null = null;
  let themeColors = readThemeColors();
  const post = (message: CompareUpMessage): void => api.postMessage(message);

  const app = document.getElementById('app') ?? document.body;
  const title = el('h1', {}, 'Compare Runs');
  const add = custom('vscode-button', {}, 'Add Runs…');
  add.addEventListener('click', () => post({ type: 'compare/addRuns', payload: {} }));
  const saveReport = custom('vscode-button', { appearance: 'secondary', 'aria-label': 'Save Comparison', title: 'Save the comparison as a Markdown report in the workspace' }, 'Save Comparison…');
  saveReport.addEventListener('click', () => post({ type: 'compare/saveComparison', payload: {} }));
  const evaluationPicker = new EvaluationPicker(post);
  const banner = el('div', { class: 'banner', role: 'alert', hidden: true });
  const loading = el('p', { class: 'muted' }, 'Reading the runs…');
  const metricsRoot = el('section', { class: 'section', 'aria-labelledby': 'metrics-title' });
  const configRoot = el('section', { class: 'section', 'aria-label': 'Configuration differences' });
  const tradeoffRoot = el('section', { class: 'section', 'aria-label': 'Trade-offs', hidden: true });
  const curvesRoot = el('section', { class: 'section', 'aria-label': 'Learning curves' });
  const confusionRoot = el('section', { class: 'section', 'aria-label': 'Confusion matrices' });
  const examplesRoot = el('section', { class: 'section', 'aria-label': 'Per-example differences' });
  const content = el('div', { class: 'content', hidden: true }, metricsRoot, tradeoffRoot, configRoot, curvesRoot, confusionRoot, examplesRoot);
  app.replaceChildren(el('header', { class: 'page-head' }, title, el('div', { class: 'actions' }, evaluationPicker.root, saveReport, add)), banner, loading, content);

  const save = (): void => {
    if (!state) return;
    api.setState({
      runs: state.runs.map((r) => r.ref),
      onlyDifferences: state.onlyDifferences,
      sort: state.sort,
      pair: state.pair,
      curves: curveView,
      evaluation: state.evaluation,
    });
  };

  const metrics = new MetricsSection(metricsRoot, post);
  const tradeoff = new TradeoffSection(tradeoffRoot);
  const config = new ConfigSection(configRoot, post);
  const curves = new CurvesSection(curvesRoot, curveView, chartStyle(), (view) => {
    curveView = view;
    save();
  });
  const confusion = new ConfusionSection(confusionRoot, post);
  const examples = new ExamplesSection(examplesRoot, post);

  const colorsOf = (s: CompareState): string[] => s.runs.map((r) => slotColor(r.color, themeColors));

  function render(next: CompareState): void {
    state = next;
    setText(title, `Compare Runs (${next.runs.length})`);
    setHidden(loading, true);
    setHidden(content, false);
    setHidden(banner, next.problems.length === 0);
    setText(banner, next.problems.join(' '));
    const colors = colorsOf(next);
    evaluationPicker.update(next);
    metrics.update(next, colors);
    tradeoff.update(next, colors);
    config.update(next, colors);
    curves.update(next, colors);
    confusion.update(next, colors);
    examples.update(next);
    save();
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isCompareDownMessage(event.data)) render(event.data.payload.state);
  });
  new MutationObserver(() => {
    themeColors = readThemeColors();
    if (state) {
      curves.setStyle(chartStyle(), colorsOf(state));
      render(state);
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  post({ type: 'compare/ready', payload: {} });
}

main();
