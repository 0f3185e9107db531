// Collects problems: every one counted by kind, the first `max` kept.

import type { DatasetProblem, ProblemKind } from '../../protocol/datasetTypes';

export class ProblemLog {
  readonly problems: DatasetProblem[] = [];
  readonly counts: Partial<Record<ProblemKind, number>> = {};
  truncated = false;

  constructor(private readonly max: number) {}

  /** `path`: the image file the problem is about (image datasets). */
  add(line: number, kind: ProblemKind, severity: DatasetProblem['severity'], message: string, path?: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    if (this.problems.length < this.max) this.problems.push(path === undefined ? { line, kind, message, severity } : { line, kind, message, severity, path });
    else this.truncated = true;
  }

  /** Adds a problem about the whole file (line 0) in front, so the cap never hides it. */
  addSummary(kind: ProblemKind, severity: DatasetProblem['severity'], message: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    const summaries = this.problems.findIndex((p) => p.line !== 0);
    this.problems.splice(summaries === -1 ? this.problems.length : summaries, 0, { line: 0, kind, message, severity });
    if (this.problems.length > this.max) {
      this.problems.pop();
      this.truncated = true;
    }
  }
}
