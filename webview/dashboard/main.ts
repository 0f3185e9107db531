// The live dashboard webview: says ready, then renders the host's snapshot and deltas.
// No inline handlers, no eval; every message from the host is checked before use.

import uplotCss from 'uplot/dist/uPlot.min.css';
import {
  isDashboardDownMessage,
  isDashboardViewState,
  type DashboardAxis,
  type DashboardDownMessage,
  type DashboardState,
  type DashboardUpMessage,
  type DashboardViewState,
} from '../../src/protocol/dashboardProtocol';
import { registerToolkit } from '../shared/toolkit';
import { vscodeApi } from '../shared/vscodeApi';
import { readChartTheme } from './chartTheme';
import { CurveCharts } from './curveCharts';
import { CurveStore } from './curveSeries';
import { initialModel, reduce, type DashboardModel } from './dashboardModel';
import { custom, el, replaceChildren, setHidden, setText } from '../shared/dom';
import { EvaluationSection } from './evaluationSection';
import { headerView, patienceView, stepsPerEpoch } from './headerModel';
import { HeaderSection } from './headerSection';
import { LogSection } from './logSection';

function waitingText(state: DashboardState | null): string {
  switch (state?.run.status) {
    case 'completed':
      return 'This run has no evaluation.json.';
    case 'failed':
      return `No test evaluation: the run failed.${state.run.statusReason ? ` ${state.run.statusReason}` : ''}`;
    case 'stopped':
    case 'interrupted':
      return 'No test evaluation yet: resume the run to finish training; the best checkpoint is evaluated at the end.';
    default:
      return 'The best checkpoint is evaluated on the test split when training completes.';
  }
}

function main(): void {
  registerToolkit();
  const style = document.createElement('style');
  style.textContent = uplotCss;
  document.head.appendChild(style);

  const api = vscodeApi<DashboardViewState>();
  const saved = api.getState();
  let model: DashboardModel = initialModel(isDashboardViewState(saved) ? saved.axis : 'step');
  const post = (message: DashboardUpMessage): void => api.postMessage(message);

  const app = document.getElementById('app') ?? document.body;
  const banner = el('div', { class: 'banner', role: 'alert', hidden: true });
  const headerRoot = el('header', { class: 'dash-header' });
  const axisGroup = custom(
    'vscode-radio-group',
    { orientation: 'horizontal', class: 'axis-toggle' },
    el('label', { slot: 'label' }, 'X-axis'),
    custom('vscode-radio', { value: 'step', id: 'axis-step' }, 'Step'),
    custom('vscode-radio', { value: 'epoch', id: 'axis-epoch' }, 'Epoch'),
  );
  const patience = el('p', { class: 'patience' });
  const chartsRoot = el('div', { class: 'charts' });
  const curvesSection = el(
    'section',
    { class: 'curves', 'aria-label': 'Training curves' },
    el('div', { class: 'section-head' }, el('h2', {}, 'Training curves'), axisGroup),
    patience,
    chartsRoot,
  );
  const evaluationRoot = el('section', { class: 'evaluation', 'aria-labelledby': 'evaluation-title' });
  const logRoot = el('section', { class: 'log-section', 'aria-labelledby': 'log-title' });
  replaceChildren(app, banner, headerRoot, curvesSection, evaluationRoot, logRoot);

  const header = new HeaderSection(headerRoot, post);
  const evaluation = new EvaluationSection(evaluationRoot);
  const log = new LogSection(logRoot, post);
  const curves = new CurveStore(32);
  const charts = new CurveCharts(chartsRoot, curves, { axis: model.axis, stepsPerEpoch: null, checkpoints: [] }, readChartTheme());
  let chartViewKey = '';

  const setAxisValue = (axis: DashboardAxis): void => {
    (axisGroup as HTMLElement & { value: string }).value = axis;
  };
  setAxisValue(model.axis);
  axisGroup.addEventListener('change', () => {
    const value = (axisGroup as HTMLElement & { value: string }).value;
    if ((value === 'step' || value === 'epoch') && value !== model.axis) {
      model = reduce(model, { type: 'local/setAxis', axis: value });
      post({ type: 'dashboard/setAxis', payload: { axis: value } });
      render();
    }
  });

  function renderHeader(): void {
    const state = model.state;
    if (!state) return;
    const facts = { lastStep: curves.lastStep, throughput: curves.lastThroughput(), secondsPerStep: curves.pace.secondsPerStep(), lastTime: curves.pace.lastTime() };
    header.update(headerView(state, facts, Date.now()));
  }

  function render(): void {
    setHidden(banner, model.unavailable === null && (model.state?.problems.length ?? 0) === 0);
    setText(banner, model.unavailable ?? model.state?.problems.join(' ') ?? '');
    const state = model.state;
    if (!state) return;
    renderHeader();
    const es = state.run.config.earlyStopping;
    setText(patience, patienceView(es, curves.validation.get(es.metric) ?? []).text);
    const perEpoch = stepsPerEpoch(state.run);
    const epochRadio = axisGroup.querySelector('#axis-epoch');
    if (perEpoch === null) epochRadio?.setAttribute('disabled', '');
    else epochRadio?.removeAttribute('disabled');
    const key = JSON.stringify([model.axis, perEpoch, state.checkpoints]);
    if (key !== chartViewKey) {
      chartViewKey = key;
      setAxisValue(model.axis);
      charts.setView({ axis: model.axis, stepsPerEpoch: perEpoch, checkpoints: state.checkpoints });
    } else {
      charts.schedule();
    }
    evaluation.update(state.evaluation, waitingText(state));
    log.update(model.log, model.logTruncated);
    api.setState({ ref: state.ref, axis: model.axis });
  }

  function dispatch(message: DashboardDownMessage): void {
    if (message.type === 'dashboard/stateChanged') {
      curves.setBatchSize(message.payload.state.run.config.batchSize);
      if (message.payload.metrics !== null) {
        curves.clear();
        curves.ingest(message.payload.metrics);
      }
    } else if (message.type === 'dashboard/metricsAppended') {
      curves.ingest(message.payload.metrics);
    }
    model = reduce(model, message);
    render();
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isDashboardDownMessage(event.data)) dispatch(event.data);
  });
  new MutationObserver(() => charts.setTheme(readChartTheme())).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  setInterval(renderHeader, 1000);
  setText(headerRoot.querySelector('.status-label') ?? headerRoot, 'Loading the run…');
  post({ type: 'dashboard/ready', payload: {} });
}

main();
