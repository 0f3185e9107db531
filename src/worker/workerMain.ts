// The training worker: a child process started with fork(). It is the only process that loads
// TensorFlow.js. It speaks only the typed protocol on its IPC channel, reports its own death,
// and stops (checkpoint, then exit) when asked or when its parent goes away.

import type { ParentMessage, WorkerMessage } from '../protocol/workerProtocol';
import { isParentMessage } from '../protocol/workerProtocol';
import { RunStore } from '../storage/runStore';
import { executeRun } from '../engine/runner/executeRun';
import { describeError, isUserFacing } from '../engine/userError';
import { markRunFailedSync } from './markRunFailed';
import { describeModelFor } from './modelDescription';
import { runEventsToMessages } from './runEventsToMessages';

let stopRequested = false;
let current: { runsDir: string; runId: string } | null = null;
/** True while answering model/describe: the worker then runs no training and exits after answering. */
let describing = false;

function send(message: WorkerMessage): void {
  if (process.send && process.connected) process.send(message);
}

function fail(error: unknown, code: number): void {
  const reason = describeError(error);
  const detail = isUserFacing(error) ? null : error instanceof Error ? (error.stack ?? null) : null;
  if (current) markRunFailedSync(current.runsDir, current.runId, reason);
  send({ type: 'run/failed', payload: { reason, detail } });
  send({ type: 'worker/exited', payload: { code, reason } });
  setTimeout(() => process.exit(code), 50);
}

process.on('uncaughtException', (error) => fail(error, 1));
process.on('unhandledRejection', (error) => fail(error, 1));
// The parent went away: finish the step, save a checkpoint, and exit.
process.on('disconnect', () => {
  stopRequested = true;
  if (!current) process.exit(0);
});

async function start(message: Extract<ParentMessage, { type: 'run/start' }>): Promise<void> {
  const { runsDir, runId, resume, extraEpochs } = message.payload;
  current = { runsDir, runId };
  const store = new RunStore(runsDir);
  const result = await executeRun(store, runId, {
    resume,
    extraEpochs,
    shouldStop: () => stopRequested,
    events: runEventsToMessages(runId, send),
  });
  send({ type: 'run/finished', payload: { status: result.status, reason: result.reason } });
  send({ type: 'worker/exited', payload: { code: 0, reason: null } });
  current = null;
  setTimeout(() => process.exit(0), 50);
}

/** Builds the models of a config, answers with their parameter counts (or why they cannot be built), exits. */
async function describe(message: Extract<ParentMessage, { type: 'model/describe' }>): Promise<void> {
  describing = true;
  try {
    send({ type: 'model/described', payload: await describeModelFor(message.payload.config) });
  } catch (error) {
    send({ type: 'model/describeFailed', payload: { reason: describeError(error) } });
  }
  send({ type: 'worker/exited', payload: { code: 0, reason: null } });
  setTimeout(() => process.exit(0), 50);
}

process.on('message', (raw: unknown) => {
  if (!isParentMessage(raw)) return;
  if (raw.type === 'run/stop') {
    stopRequested = true;
    return;
  }
  if (current || describing) return;
  if (raw.type === 'model/describe') {
    describe(raw).catch((error: unknown) => fail(error, 1));
    return;
  }
  start(raw).catch((error: unknown) => fail(error, 1));
});

send({ type: 'worker/ready', payload: { pid: process.pid } });
