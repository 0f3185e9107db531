// Where the models that ship inside npm packages (nn-sentiment, nsfwjs's MobileNetV2) are on disk.

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BuiltinSource, CatalogEntry } from './catalogTypes';

/** Root folder of an installed package, found from its entry point (works when `exports` hides package.json). */
function packageRoot(packageName: string): string {
  let dir = path.dirname(require.resolve(packageName));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name: unknown = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
      if (name === packageName) return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the folder of the installed package ${packageName}.`);
    dir = parent;
  }
}

/** Local folder of a built-in catalog model. */
export function builtinModelDir(source: BuiltinSource): string {
  return path.join(packageRoot(source.packageName), source.pathInPackage);
}

/** True when the entry ships inside an npm package. */
export function isBuiltinEntry(entry: CatalogEntry): entry is CatalogEntry & { source: BuiltinSource } {
  return entry.source.kind === 'builtin';
}
