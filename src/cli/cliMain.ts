// The `finetune` command line: the same engine as the extension, headless.

import { describeError, isUserFacing } from '../engine/userError';
import { flag, parseCli, type ParsedCli } from './cliArgs';
import type { CliContext } from './cliContext';
import { compareCommand } from './commands/compareCommand';
import { doctorCommand } from './commands/doctorCommand';
import { evalCommand } from './commands/evalCommand';
import { exportCommand } from './commands/exportCommand';
import { inspectCommand } from './commands/inspectCommand';
import { modelsCommand } from './commands/modelsCommand';
import { predictCommand } from './commands/predictCommand';
import { resumeCommand } from './commands/resumeCommand';
import { runsCommand } from './commands/runsCommand';
import { sweepCommand } from './commands/sweepCommand';
import { trainCommand } from './commands/trainCommand';
import { HELP } from './helpText';

const COMMANDS: Record<string, (ctx: CliContext) => Promise<number>> = {
  inspect: inspectCommand,
  train: trainCommand,
  resume: resumeCommand,
  eval: evalCommand,
  predict: predictCommand,
  runs: runsCommand,
  export: exportCommand,
  sweep: sweepCommand,
  compare: compareCommand,
  models: modelsCommand,
  doctor: doctorCommand,
};

export async function main(argv: string[]): Promise<number> {
  const err = (text: string): void => void process.stderr.write(text);
  let cli: ParsedCli | null = null;
  try {
    cli = parseCli(argv);
    if (flag(cli, 'verbose')) process.env.FINETUNE_VERBOSE = '1';
    if (cli.command === null || cli.command === 'help' || flag(cli, 'help')) {
      process.stdout.write(HELP);
      return cli.command === null && !flag(cli, 'help') ? 2 : 0;
    }
    const command = COMMANDS[cli.command];
    if (!command) {
      err(`error: unknown command "${cli.command}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run finetune --help.\n`);
      return 2;
    }
    return await command({ cli, out: (t) => void process.stdout.write(t), err, isTty: Boolean(process.stderr.isTTY) });
  } catch (error) {
    err(`error: ${describeError(error)}\n`);
    if (cli && flag(cli, 'verbose') && error instanceof Error && error.stack) err(`${error.stack}\n`);
    else if (!isUserFacing(error)) err('(run with --verbose for details)\n');
    return 1;
  }
}

/** Runs the CLI with this process's arguments and exits with its code. */
export function runCli(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // tfjs-wasm may keep handles open; leave once output is flushed.
      setTimeout(() => process.exit(code), 10).unref();
    },
    (error: unknown) => {
      process.stderr.write(`error: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) runCli();
