// Technique sweeps on disk: `<runsDir>/sweeps/<sweepId>.json` (SweepRecord), the Markdown report
// `<sweepId>.md` and its pictures `<sweepId>-params.svg`, `<sweepId>-time.svg`. Written atomically.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SweepRecord } from '../protocol/sweepTypes';
import { writeFileAtomic, writeJsonAtomic } from './atomicWrite';
import { readJsonFileOrNull } from './readJson';
import { SWEEPS_DIR } from './runLayout';
import { isSafeName } from './runNames';
import { errorCode } from './storageErrors';

export interface SweepPaths {
  json: string;
  markdown: string;
  /** Picture: test metric against trainable parameters. */
  paramsSvg: string;
  /** Picture: test metric against training time. */
  timeSvg: string;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A new sweep id: `sweep-<UTC date>-<time>-<4 hex digits>`, sorting by creation time. */
export function createSweepId(now: Date): string {
  const date = `${now.getUTCFullYear()}${pad2(now.getUTCMonth() + 1)}${pad2(now.getUTCDate())}`;
  const time = `${pad2(now.getUTCHours())}${pad2(now.getUTCMinutes())}${pad2(now.getUTCSeconds())}`;
  return `sweep-${date}-${time}-${randomBytes(2).toString('hex')}`;
}

export function sweepsDir(runsDir: string): string {
  return path.join(path.resolve(runsDir), SWEEPS_DIR);
}

export function sweepPaths(runsDir: string, sweepId: string): SweepPaths {
  if (!isSafeName(sweepId)) throw new Error(`"${sweepId}" is not a valid sweep id.`);
  const dir = sweepsDir(runsDir);
  return {
    json: path.join(dir, `${sweepId}.json`),
    markdown: path.join(dir, `${sweepId}.md`),
    paramsSvg: path.join(dir, `${sweepId}-params.svg`),
    timeSvg: path.join(dir, `${sweepId}-time.svg`),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSweepRecord(value: unknown): value is SweepRecord {
  return (
    isObject(value) &&
    typeof value.schemaVersion === 'number' &&
    typeof value.id === 'string' &&
    typeof value.status === 'string' &&
    typeof value.datasetPath === 'string' &&
    Array.isArray(value.techniques) &&
    Array.isArray(value.axes) &&
    isObject(value.metric) &&
    typeof value.metric.name === 'string' &&
    Array.isArray(value.runs) &&
    value.runs.every((r) => isObject(r) && typeof r.runId === 'string' && typeof r.technique === 'string')
  );
}

export async function writeSweep(runsDir: string, record: SweepRecord): Promise<string> {
  const { json } = sweepPaths(runsDir, record.id);
  await fs.mkdir(path.dirname(json), { recursive: true });
  await writeJsonAtomic(json, record);
  return json;
}

/** The Markdown report and its pictures (null pictures are not written). */
export async function writeSweepReport(runsDir: string, sweepId: string, report: { markdown: string; paramsSvg: string | null; timeSvg: string | null }): Promise<SweepPaths> {
  const paths = sweepPaths(runsDir, sweepId);
  await fs.mkdir(path.dirname(paths.markdown), { recursive: true });
  if (report.paramsSvg !== null) await writeFileAtomic(paths.paramsSvg, report.paramsSvg);
  if (report.timeSvg !== null) await writeFileAtomic(paths.timeSvg, report.timeSvg);
  await writeFileAtomic(paths.markdown, report.markdown);
  return paths;
}

/** The sweep, or null when there is none of that id. Throws JsonFileError when malformed. */
export async function readSweep(runsDir: string, sweepId: string): Promise<SweepRecord | null> {
  return readJsonFileOrNull(sweepPaths(runsDir, sweepId).json, isSweepRecord);
}

/** Ids of the stored sweeps, newest first. */
export async function listSweepIds(runsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(sweepsDir(runsDir));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
    .map((name) => name.slice(0, -'.json'.length))
    .filter(isSafeName)
    .sort()
    .reverse();
}
