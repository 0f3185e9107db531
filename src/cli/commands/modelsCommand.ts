// finetune models [--json] [--cache DIR]
//   Lists the catalog: id, architecture, parameters, size, licence, and whether it is on this machine.
// finetune models download <id> [--mirror URL] [--cache DIR] [--json]
//   Fetches a catalog model or any Hugging Face id (org/name[@revision]) into the cache, with a
//   progress line; Ctrl-C stops it and the next run resumes.

import { builtinModelDir } from '../../engine/zoo/builtinModels';
import type { CatalogEntry } from '../../engine/zoo/catalogTypes';
import { downloadHubModel, type ModelProgress } from '../../engine/zoo/downloadModel';
import { DownloadError } from '../../engine/zoo/downloadError';
import { formatBytes, formatCount } from '../../engine/zoo/formatSize';
import { hubFileUrl, parseHubModelRef } from '../../engine/zoo/hubModelRef';
import { MODEL_CATALOG, findCatalogEntry } from '../../engine/zoo/modelCatalog';
import { locateHubModel, offlineError, type ModelLocation } from '../../engine/zoo/resolveModelSource';
import { resolveZooSettings, type ZooSettings } from '../../engine/zoo/zooSettings';
import { UserError } from '../../engine/userError';
import { flag, requirePositional, stringOption } from '../cliArgs';
import type { CliContext } from '../cliContext';
import { formatTable } from '../formatEvaluation';
import { formatDuration, progressBar } from '../progressPrinter';

const USAGE = 'finetune models [--json] [--cache DIR] | finetune models download <id> [--mirror URL] [--cache DIR]';

function settingsOf(ctx: CliContext): ZooSettings {
  return resolveZooSettings({
    cacheDir: stringOption(ctx.cli, 'cache'),
    mirror: stringOption(ctx.cli, 'mirror'),
    offline: flag(ctx.cli, 'offline') ? true : undefined,
  });
}

export async function modelsCommand(ctx: CliContext): Promise<number> {
  const sub = ctx.cli.positionals[0];
  if (sub === undefined || sub === 'list') return listModels(ctx);
  if (sub === 'download') return downloadCommand(ctx);
  throw new UserError(`Unknown models subcommand "${sub}".`, { hint: `Usage: ${USAGE}` });
}

function locationOf(entry: CatalogEntry, settings: ZooSettings): ModelLocation {
  if (entry.source.kind === 'builtin') return { kind: 'builtin' };
  const ref = parseHubModelRef(entry.id);
  return ref ? locateHubModel(ref, settings) : { kind: 'remote', dir: '' };
}

function locationText(location: ModelLocation): string {
  switch (location.kind) {
    case 'builtin':
      return 'built-in';
    case 'cache':
      return 'yes';
    case 'hf-cache':
      return 'yes (HF cache)';
    case 'path':
    case 'remote':
      return 'no';
  }
}

async function listModels(ctx: CliContext): Promise<number> {
  const settings = settingsOf(ctx);
  const rows = MODEL_CATALOG.map((entry) => ({ entry, location: locationOf(entry, settings) }));
  if (flag(ctx.cli, 'json')) {
    const json = rows.map(({ entry, location }) => {
      const source = entry.source;
      return {
        ...entry,
        cached: location.kind !== 'remote',
        location: source.kind === 'builtin' ? builtinModelDir(source) : location.kind === 'cache' || location.kind === 'hf-cache' ? location.dir : null,
        urls: source.kind === 'hub' ? Object.fromEntries(entry.files.map((f) => [f.name, hubFileUrl(settings.mirror, source.repo, source.revision, f.name)])) : null,
      };
    });
    ctx.out(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const table = formatTable([
    ['id', 'architecture', 'task', 'params', 'size', 'licence', 'cached'],
    ...rows.map(({ entry, location }) => [
      entry.id,
      entry.architecture,
      entry.task === 'image-classification' ? 'image' : 'text',
      formatCount(entry.params),
      `${entry.source.kind === 'hub' ? '≈' : ''}${formatBytes(entry.approxBytes)}`,
      entry.licence,
      locationText(location),
    ]),
  ]);
  ctx.out(
    `${table}\n\nCache: ${settings.cacheDir} (also reads ${settings.hfHubCacheDir}); mirror: ${settings.mirror}${settings.offline ? ` (offline: ${settings.offlineReason})` : ''}\n` +
      'Any Hugging Face id (org/name[@revision]) with config.json, model.safetensors and a tokenizer also works. Download ahead: finetune models download <id>\n',
  );
  return 0;
}

/** Writes a progress line: redrawn in place on a terminal, every few seconds and per finished file otherwise. */
function progressWriter(ctx: CliContext): { onProgress: (p: ModelProgress) => void; end: () => void } {
  let lineOpen = false;
  let lastPlain = 0;
  return {
    onProgress(p) {
      const fraction = p.total ? p.bytes / p.total : 0;
      const size = `${formatBytes(p.bytes)}${p.total !== null ? ` / ${formatBytes(p.total)}` : ''}`;
      const speed = p.bytesPerSecond > 0 ? ` ${formatBytes(p.bytesPerSecond)}/s` : '';
      const eta = p.etaSeconds !== null && !p.done ? ` ETA ${formatDuration(p.etaSeconds)}` : '';
      const text = `${(fraction * 100).toFixed(0).padStart(3)}% ${p.file} (${p.fileIndex + 1}/${p.fileCount}) ${size}${speed}${eta}`;
      if (ctx.isTty) {
        ctx.err(`\r${progressBar(fraction, 20)} ${text}`.padEnd(100));
        lineOpen = true;
        if (p.done) {
          ctx.err('\n');
          lineOpen = false;
        }
      } else if (p.done || Date.now() - lastPlain > 5000) {
        lastPlain = Date.now();
        ctx.err(`${text}\n`);
      }
    },
    end() {
      if (lineOpen) ctx.err('\n');
      lineOpen = false;
    },
  };
}

async function downloadCommand(ctx: CliContext): Promise<number> {
  const id = requirePositional(ctx.cli, 1, 'the model id', USAGE);
  const entry = findCatalogEntry(id);
  if (entry && entry.source.kind === 'builtin') {
    ctx.err(`${entry.id} is built in (npm package ${entry.source.packageName}): nothing to download.\n`);
    ctx.out(`${builtinModelDir(entry.source)}\n`);
    return 0;
  }
  const ref = parseHubModelRef(id);
  if (ref === null) throw new UserError(`"${id}" is not a catalog id or a Hugging Face id (org/name[@revision]).`, { hint: 'Run `finetune models` to list the catalog.' });
  const settings = settingsOf(ctx);
  const json = flag(ctx.cli, 'json');
  const report = (dir: string, source: string): number => {
    if (json) ctx.out(`${JSON.stringify({ id: ref.id, repo: ref.repo, revision: ref.revision, dir, source })}\n`);
    else ctx.out(`${dir}\n`);
    return 0;
  };
  const found = locateHubModel(ref, settings);
  if (found.kind === 'cache' || found.kind === 'hf-cache') {
    ctx.err(`${ref.id} is already on this machine${found.kind === 'hf-cache' ? ' (Hugging Face cache)' : ''}.\n`);
    return report(found.dir, found.kind);
  }
  if (settings.offline) throw offlineError(ref, settings);
  ctx.err(`Downloading ${ref.id} (${ref.repo}@${ref.revision}) from ${settings.mirror} into ${settings.cacheDir}\n`);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.on('SIGINT', onSigint);
  const progress = json ? null : progressWriter(ctx);
  try {
    const dir = await downloadHubModel(ref, {
      cacheDir: settings.cacheDir,
      mirror: settings.mirror,
      token: settings.token,
      signal: controller.signal,
      onProgress: progress?.onProgress,
      log: (message) => {
        progress?.end();
        ctx.err(`${message}\n`);
      },
    });
    progress?.end();
    return report(dir, 'download');
  } catch (error) {
    progress?.end();
    if (error instanceof DownloadError && error.kind === 'cancelled') {
      ctx.err('Stopped. Run the same command again to resume the download.\n');
      return 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
