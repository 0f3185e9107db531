// Finds the delimiter of a CSV-like text: the candidate that splits the first records into the
// most consistent number of fields (more than one), quotes respected.

export const DELIMITER_CANDIDATES: readonly string[] = [',', ';', '\t', '|'];

/** Records looked at. */
const SNIFF_RECORDS = 100;

/**
 * @param sample the start of the file, decoded.
 * @param complete true when the sample is the whole file (its last record is then complete).
 * @param preferred the delimiter the extension suggests, chosen on ties and when nothing splits.
 */
export function sniffDelimiter(sample: string, complete: boolean, preferred: string): string {
  let best = preferred;
  let bestScore = 0;
  let bestFields = 1;
  const ordered = [preferred, ...DELIMITER_CANDIDATES.filter((d) => d !== preferred)];
  for (const delimiter of ordered) {
    const counts = fieldCounts(sample, delimiter, complete);
    const { value, frequency } = mode(counts);
    if (value <= 1 || counts.length === 0) continue;
    const score = frequency / counts.length;
    if (score > bestScore || (score === bestScore && value > bestFields)) {
      best = delimiter;
      bestScore = score;
      bestFields = value;
    }
  }
  return best;
}

/** Field count of each non-blank record of the sample, quotes respected. */
export function fieldCounts(sample: string, delimiter: string, complete: boolean): number[] {
  const counts: number[] = [];
  let fields = 1;
  let fieldStart = true;
  let quoted = false;
  let blank = true;
  for (let i = 0; i < sample.length && counts.length < SNIFF_RECORDS; i++) {
    const c = sample[i];
    if (quoted) {
      if (c === '"') {
        if (sample[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (c === '\n' || c === '\r') {
      if (!blank) counts.push(fields);
      if (c === '\r' && sample[i + 1] === '\n') i++;
      fields = 1;
      fieldStart = true;
      blank = true;
      continue;
    }
    blank = false;
    if (c === delimiter) {
      fields++;
      fieldStart = true;
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else {
      fieldStart = false;
    }
  }
  if (complete && !blank && !quoted && counts.length < SNIFF_RECORDS) counts.push(fields);
  return counts;
}

/** The most frequent value (the larger one on ties) and how often it occurs. */
function mode(values: readonly number[]): { value: number; frequency: number } {
  const tally = new Map<number, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let value = 0;
  let frequency = 0;
  for (const [v, f] of tally) {
    if (f > frequency || (f === frequency && v > value)) {
      value = v;
      frequency = f;
    }
  }
  return { value, frequency };
}
