// Reading JSON files of the run store, checked by a type guard instead of trusted with a cast.

import * as fs from 'node:fs';
import { JsonFileError, errorCode } from './storageErrors';

/** A function that tells whether a parsed value has the shape of T. */
export type Guard<T> = (value: unknown) => value is T;

/** Parses JSON text from `path`; throws JsonFileError('malformed') with the parser's message. */
export function parseJsonText(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new JsonFileError(path, 'malformed', `not valid JSON (${detail}).`);
  }
}

/** Reads and parses a JSON file. Throws JsonFileError: 'missing', 'unreadable' or 'malformed'. */
export async function readJsonFile(path: string): Promise<unknown>;
/** Reads a JSON file and checks it with `guard`; a value the guard rejects is 'malformed'. */
export async function readJsonFile<T>(path: string, guard: Guard<T>): Promise<T>;
export async function readJsonFile<T>(path: string, guard?: Guard<T>): Promise<unknown> {
  let text: string;
  try {
    text = await fs.promises.readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new JsonFileError(path, 'missing', 'file not found.');
    const detail = error instanceof Error ? error.message : String(error);
    throw new JsonFileError(path, 'unreadable', detail);
  }
  const value = parseJsonText(path, text);
  if (guard && !guard(value)) {
    throw new JsonFileError(path, 'malformed', 'the JSON does not have the expected fields.');
  }
  return value;
}

/** `readJsonFile` that answers null when the file does not exist. */
export async function readJsonFileOrNull<T>(path: string, guard: Guard<T>): Promise<T | null> {
  try {
    return await readJsonFile(path, guard);
  } catch (error) {
    if (error instanceof JsonFileError && error.reason === 'missing') return null;
    throw error;
  }
}
