// The webview's state and its reducer: host messages and local actions in, a new model out.
// Pure. The curves are not here: they live in a CurveStore that grows in place.

import type { DashboardAxis, DashboardDownMessage, DashboardState } from '../../src/protocol/dashboardProtocol';

/** Lines of the log kept in the panel. */
export const MAX_LOG_LINES = 2000;

export interface DashboardModel {
  state: DashboardState | null;
  axis: DashboardAxis;
  log: string[];
  /** Older log lines were left out. */
  logTruncated: boolean;
  /** Why the run cannot be shown; null when it can. */
  unavailable: string | null;
}

export type LocalAction = { type: 'local/setAxis'; axis: DashboardAxis };

export function initialModel(axis: DashboardAxis = 'step'): DashboardModel {
  return { state: null, axis, log: [], logTruncated: false, unavailable: null };
}

function appendLog(model: DashboardModel, lines: readonly string[]): Pick<DashboardModel, 'log' | 'logTruncated'> {
  const all = model.log.concat(lines);
  if (all.length <= MAX_LOG_LINES) return { log: all, logTruncated: model.logTruncated };
  return { log: all.slice(all.length - MAX_LOG_LINES), logTruncated: true };
}

export function reduce(model: DashboardModel, action: DashboardDownMessage | LocalAction): DashboardModel {
  switch (action.type) {
    case 'dashboard/stateChanged': {
      const { state, metrics } = action.payload;
      if (metrics !== null) {
        // A full snapshot: the log starts over from it.
        const log = state.log.slice(-MAX_LOG_LINES);
        return { state, axis: state.axis, log, logTruncated: state.logTruncated || log.length < state.log.length, unavailable: null };
      }
      return { ...model, state, unavailable: null };
    }
    case 'dashboard/progressed':
      return model.state ? { ...model, state: { ...model.state, live: action.payload.progress } } : model;
    case 'dashboard/downloadProgressed':
      return model.state ? { ...model, state: { ...model.state, download: action.payload.download } } : model;
    case 'dashboard/logAppended':
      return action.payload.lines.length === 0 ? model : { ...model, ...appendLog(model, action.payload.lines) };
    case 'dashboard/unavailable':
      return { ...model, unavailable: action.payload.message };
    case 'dashboard/metricsAppended':
      return model;
    case 'local/setAxis':
      return { ...model, axis: action.axis, state: model.state ? { ...model.state, axis: action.axis } : null };
  }
}
