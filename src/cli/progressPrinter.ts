// Shows a run's worker messages: a progress bar on a TTY, plain lines otherwise, JSON lines with --json.

import type { WorkerMessage } from '../protocol/workerProtocol';

export type OutputMode = 'tty' | 'plain' | 'json';

export interface Printer {
  handle(message: WorkerMessage): void;
  /** Ends a progress line in progress, so later output starts on a fresh line. */
  flush(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function progressBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

export function createPrinter(mode: OutputMode, write: (text: string) => void, verbose: boolean): Printer {
  let lineOpen = false;
  let lastPlain = 0;
  const line = (text: string): void => {
    if (lineOpen) write('\n');
    lineOpen = false;
    write(`${text}\n`);
  };
  return {
    flush() {
      if (lineOpen) write('\n');
      lineOpen = false;
    },
    handle(message) {
      if (mode === 'json') {
        write(`${JSON.stringify(message)}\n`);
        return;
      }
      switch (message.type) {
        case 'run/started': {
          const b = message.payload.backend;
          line(`backend: ${b.name}${b.skipped.length ? ` (skipped: ${b.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : ''}`);
          if (b.fastPaths !== undefined) line(`fast paths: ${b.fastPaths.length ? b.fastPaths.join(', ') : 'none'}`);
          line(`parameters: ${message.payload.trainableParams.toLocaleString('en')} trainable of ${message.payload.totalParams.toLocaleString('en')}`);
          break;
        }
        case 'run/progressed': {
          const p = message.payload;
          const fraction = p.totalSteps > 0 ? p.step / p.totalSteps : 0;
          const eta = p.etaSeconds === null ? '' : ` ETA ${formatDuration(p.etaSeconds)}`;
          const epoch = Math.min(p.epochs, p.epoch + 1);
          const text = `${progressBar(fraction, 24)} ${(fraction * 100).toFixed(0).padStart(3)}% epoch ${epoch}/${p.epochs} step ${p.step}/${p.totalSteps} loss ${Number.isFinite(p.loss) ? p.loss.toFixed(4) : '-'}${eta} ${p.phase === 'training' ? '' : p.phase}`;
          if (mode === 'tty') {
            write(`\r${text.padEnd(100)}`);
            lineOpen = true;
          } else if (Date.now() - lastPlain > 5000 || p.step === p.totalSteps) {
            lastPlain = Date.now();
            line(text.replace(/[█░]+ /, ''));
          }
          break;
        }
        case 'run/metricsAppended': {
          for (const e of message.payload.events) {
            if (e.split === 'validation') line(`  validation ${e.name} = ${e.value.toFixed(4)} (epoch ${e.epoch + 1})`);
          }
          break;
        }
        case 'run/checkpointSaved':
          if (verbose || message.payload.isBest) line(`  checkpoint ${message.payload.name} saved (step ${message.payload.step})`);
          break;
        case 'worker/logged':
          if (verbose || message.payload.level !== 'info') line(`${message.payload.level}: ${message.payload.message}`);
          break;
        case 'run/evaluated':
        case 'run/finished':
        case 'run/failed':
        case 'worker/ready':
        case 'worker/exited':
          break;
      }
    },
  };
}
