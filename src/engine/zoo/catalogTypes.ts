// Types of the model catalog: what a known base model is, where its files come from, what they weigh.

export type ModelArchitecture = 'bert' | 'distilbert' | 'roberta' | 'mobilenet_v2' | 'keras-bigru';

export type ModelTask = 'text-classification' | 'image-classification';

/** One file of a model. */
export interface CatalogFile {
  /** Name inside the model folder (and inside the repository), e.g. `config.json`. */
  name: string;
  /** A required file missing on the server is an error; an optional one (HTTP 404) is skipped. */
  required: boolean;
  /** Exact size in bytes, only where known (checked after download). */
  size?: number;
  /** Lower-case hex SHA-256 of the content, only where known (checked after download). */
  sha256?: string;
}

/** A model downloaded from a Hugging Face-layout server: `<base>/<repo>/resolve/<revision>/<file>`. */
export interface HubSource {
  kind: 'hub';
  /** Repository id `org/name`. */
  repo: string;
  /** Branch, tag or commit; `main` unless a commit is pinned. */
  revision: string;
  /** Groups of files of which at least one must exist (e.g. tokenizer.json or vocab.txt). */
  oneOf: string[][];
}

/** A model shipped inside an npm package: always offline, never downloaded. */
export interface BuiltinSource {
  kind: 'builtin';
  /** npm package that holds it. */
  packageName: string;
  /** Package version the facts below were read from. */
  packageVersion: string;
  /** Folder of the model inside the package. */
  pathInPackage: string;
}

export interface CatalogEntry {
  /** The id users type (`--model <id>`). */
  id: string;
  /** Other ids that name the same model (e.g. the organisation-qualified Hugging Face id). */
  aliases: string[];
  architecture: ModelArchitecture;
  task: ModelTask;
  /** Parameter count of the base model (all weights, as stored). */
  params: number;
  /** Bytes on disk: exact for built-in models; an estimate (F32 weights + tokenizer) for hub models. */
  approxBytes: number;
  /** SPDX-style licence id as the model card states it. */
  licence: string;
  /** One line for lists. */
  description: string;
  source: HubSource | BuiltinSource;
  /** Files in the order they are fetched (small ones first, so a missing one fails before the weights). */
  files: CatalogFile[];
}
