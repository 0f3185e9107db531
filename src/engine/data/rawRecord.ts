// One record as a reader produces it, before any schema is applied.

export type RawRecord =
  /** A CSV/TSV record: its fields in file order. */
  | { kind: 'fields'; line: number; fields: string[] }
  /** A JSON/JSONL object: cell values by key (numbers, booleans and nested values as text). */
  | { kind: 'object'; line: number; values: Map<string, string> }
  /** A record that could not be parsed. */
  | { kind: 'error'; line: number; message: string };

/** Receives the records of a file in order, synchronously. */
export type RecordSink = (record: RawRecord) => void;

/** What a reader learned about the file's bytes while streaming them. */
export interface ReadSummary {
  /** sha256 of the file bytes, hex. */
  fingerprint: string;
  bytes: number;
}
