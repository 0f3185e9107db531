// Reads the small JSON files that describe a Hugging Face tokenizer's options and special tokens:
// tokenizer_config.json and special_tokens_map.json (the second overrides the first, as in
// transformers). Token values may be plain strings or AddedToken objects ({"content": ...}).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../userError';

/** The special token roles a BERT-family tokenizer uses. */
export type SpecialRole = 'cls' | 'sep' | 'pad' | 'unk' | 'mask' | 'bos' | 'eos';

export const SPECIAL_ROLES: readonly SpecialRole[] = ['cls', 'sep', 'pad', 'unk', 'mask', 'bos', 'eos'];

export interface TokenizerOptions {
  /** Special token strings by role, where the files name them. */
  special: Partial<Record<SpecialRole, string>>;
  /** `do_lower_case`, when the config says. */
  doLowerCase: boolean | null;
  /** `strip_accents` (null: follow lowercasing). */
  stripAccents: boolean | null;
  /** `tokenize_chinese_chars`, when the config says. */
  tokenizeChineseChars: boolean | null;
  /** tokenizer_config.json as read (passed on to @huggingface/tokenizers), {} when absent. */
  raw: Record<string, unknown>;
}

/** Reads a JSON object file if it exists; a file that is not a JSON object is a UserError. */
export function readJsonObjectIfExists(file: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return null;
    throw new UserError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}.`, { where: file, hint: 'Check that the file is readable.' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new UserError(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`, { where: file, hint: 'Download the model files again.' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(`${file} is not a JSON object.`, { where: file, hint: 'Download the model files again.' });
  }
  return value as Record<string, unknown>;
}

/** The token text of a config value: a string, or an AddedToken object's `content`. */
export function tokenText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return null;
}

function optionalBoolean(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** Reads tokenizer_config.json and special_tokens_map.json of a model folder (both optional). */
export function readTokenizerOptions(modelDir: string): TokenizerOptions {
  const config = readJsonObjectIfExists(path.join(modelDir, 'tokenizer_config.json')) ?? {};
  const map = readJsonObjectIfExists(path.join(modelDir, 'special_tokens_map.json')) ?? {};
  const special: Partial<Record<SpecialRole, string>> = {};
  for (const role of SPECIAL_ROLES) {
    const text = tokenText(map[`${role}_token`]) ?? tokenText(config[`${role}_token`]);
    if (text !== null) special[role] = text;
  }
  return {
    special,
    doLowerCase: optionalBoolean(config.do_lower_case),
    stripAccents: optionalBoolean(config.strip_accents),
    tokenizeChineseChars: optionalBoolean(config.tokenize_chinese_chars),
    raw: config,
  };
}
