// One usable record of a dataset, as the engine trains on it.

export interface Example {
  /** 1-based physical line of the file where the record starts. */
  line: number;
  /** Raw cell values by column name (JSON numbers and booleans turned into strings). */
  values: Record<string, string>;
  /** The label cell, trimmed. Regression parses it as a number. */
  label: string;
  /** Image datasets: the absolute path of the example's image file (checked readable when the dataset was read). */
  file?: string;
}
