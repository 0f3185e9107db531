// Errors of the run store a user can meet: each says what happened, where, and what to do.

/** The `code` of a Node system error (ENOENT, ESRCH, …), if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code: unknown = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** A JSON file that is missing, unreadable, not JSON, or not of the expected shape. */
export class JsonFileError extends Error {
  readonly path: string;
  /** 'missing': no such file; 'malformed': not JSON or not the expected shape. */
  readonly reason: 'missing' | 'malformed' | 'unreadable';

  constructor(path: string, reason: 'missing' | 'malformed' | 'unreadable', detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'JsonFileError';
    this.path = path;
    this.reason = reason;
  }
}

/** No run matches what was asked for. */
export class RunNotFoundError extends Error {
  readonly ref: string;
  /** Ids of runs that look like what was meant (closest first), or of ambiguous matches. */
  readonly candidates: string[];

  constructor(ref: string, message: string, candidates: string[] = []) {
    super(message);
    this.name = 'RunNotFoundError';
    this.ref = ref;
    this.candidates = candidates;
  }
}

/** A run.json written by a newer version of Fine-Tune than this one. */
export class RunSchemaError extends Error {
  readonly path: string;
  readonly found: number;
  readonly supported: number;

  constructor(path: string, found: number, supported: number) {
    super(
      `${path} was written by a newer version of Fine-Tune (run schema ${found}; this version reads ` +
        `up to ${supported}). Update the Fine-Tune extension or CLI to open this run.`,
    );
    this.name = 'RunSchemaError';
    this.path = path;
    this.found = found;
    this.supported = supported;
  }
}

/** An operation refused because the run's worker is still alive (e.g. deleting a running run). */
export class RunBusyError extends Error {
  readonly runId: string;
  readonly pid: number;

  constructor(runId: string, pid: number, action: string) {
    super(`Run ${runId} is still running (pid ${pid}); stop it before you ${action}.`);
    this.name = 'RunBusyError';
    this.runId = runId;
    this.pid = pid;
  }
}

/** An id or checkpoint name that could escape the runs folder or is not a valid folder name. */
export class InvalidRunNameError extends Error {
  constructor(kind: 'run id' | 'checkpoint name', value: string) {
    super(
      `"${value}" is not a valid ${kind}: use letters, digits, '.', '_' and '-' only, ` +
        `not starting with '.' or '-'.`,
    );
    this.name = 'InvalidRunNameError';
  }
}
