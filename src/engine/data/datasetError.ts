// The error a user meets when a dataset file cannot be read at all: what happened, where, what to do.

export class DatasetError extends Error {
  /** The dataset file. */
  readonly path: string;
  /** 1-based physical line, when the error is about one place in the file. */
  readonly line?: number;
  /** What the user can do about it, as a sentence. */
  readonly hint: string;

  constructor(what: string, path: string, hint: string, line?: number) {
    const where = line === undefined ? path : `${path}:${line}`;
    super(`${what} (${where}). ${hint}`);
    this.name = 'DatasetError';
    this.path = path;
    this.line = line;
    this.hint = hint;
  }
}
