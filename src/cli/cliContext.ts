// What every CLI command gets: parsed arguments, output streams, and the run store.

import * as path from 'node:path';
import { RunStore } from '../storage/runStore';
import { defaultRunsDir } from '../storage/runLayout';
import { flag, stringOption, type ParsedCli } from './cliArgs';
import { createPrinter, type Printer } from './progressPrinter';

export interface CliContext {
  cli: ParsedCli;
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

export function runsDirOf(ctx: CliContext): string {
  return path.resolve(stringOption(ctx.cli, 'runs-dir') ?? process.env.FINETUNE_RUNS_DIR ?? defaultRunsDir(process.cwd()));
}

export function storeOf(ctx: CliContext): RunStore {
  return new RunStore(runsDirOf(ctx));
}

export function printerOf(ctx: CliContext): Printer {
  const mode = flag(ctx.cli, 'json') ? 'json' : ctx.isTty ? 'tty' : 'plain';
  return createPrinter(mode, mode === 'json' ? ctx.out : ctx.err, flag(ctx.cli, 'verbose'));
}
