// File names of the comparison panel's "Save Comparison": the default report name and the stem
// of the pictures written beside it. Pure.

/** `comparison-<YYYY-MM-DD>.md` for the local date of `now`. */
export function defaultReportName(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `comparison-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.md`;
}

/** The pictures' file name stem: the report's name without `.md` (so two reports in one folder keep apart). */
export function reportImageBase(reportPath: string): string {
  const name = reportPath.split(/[\\/]/).pop() ?? 'comparison';
  const stem = name.replace(/\.(md|markdown)$/i, '');
  return stem === '' ? 'comparison' : stem;
}

/** The report's title: the number of runs, and the evaluation when it is not the test split. */
export function reportTitle(runs: number, evaluation: string | null): string {
  const base = `Comparison of ${runs} run${runs === 1 ? '' : 's'}`;
  return evaluation === null ? base : `${base} (evaluation "${evaluation}")`;
}
