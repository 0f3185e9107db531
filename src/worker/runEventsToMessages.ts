// Turns engine run events into protocol messages (used by the worker, and by the CLI in-process).

import type { WorkerMessage } from '../protocol/workerProtocol';
import type { RunEvents } from '../engine/runner/runEvents';

export function runEventsToMessages(runId: string, send: (message: WorkerMessage) => void, progressIntervalMs = 200): RunEvents {
  let lastProgress = 0;
  let lastDownload = 0;
  let lastDownloadFile = '';
  return {
    started: (info) => send({ type: 'run/started', payload: { runId, ...info } }),
    progress: (p) => {
      const now = Date.now();
      if (now - lastProgress < progressIntervalMs && p.step < p.totalSteps) return;
      lastProgress = now;
      send({ type: 'run/progressed', payload: p });
    },
    metrics: (events) => send({ type: 'run/metricsAppended', payload: { events } }),
    checkpointSaved: (info) => send({ type: 'run/checkpointSaved', payload: info }),
    evaluated: (evaluation) => send({ type: 'run/evaluated', payload: { evaluation } }),
    log: (level, message) => send({ type: 'worker/logged', payload: { level, message } }),
    downloadProgressed: (p) => {
      const now = Date.now();
      // The first report of a file, its last, and at most one per interval in between.
      const key = `${p.model}/${p.fileIndex}`;
      if (!p.done && key === lastDownloadFile && now - lastDownload < progressIntervalMs) return;
      lastDownload = now;
      lastDownloadFile = key;
      const { model, file, fileIndex, fileCount, bytes, total, bytesPerSecond, etaSeconds, done } = p;
      send({ type: 'model/downloadProgressed', payload: { model, file, fileIndex, fileCount, bytes, total, bytesPerSecond, etaSeconds, done } });
    },
  };
}
