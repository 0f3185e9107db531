// Loads sharp (native image decoding) on first use, so processes that never read images (the
// extension host inspecting a CSV) never load the native module, and a failed load is a clear error.

import type SharpModule from 'sharp';
import { UserError } from '../../userError';

export type Sharp = typeof SharpModule;

let loaded: Promise<Sharp> | null = null;

export function loadSharp(): Promise<Sharp> {
  loaded ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      loaded = null;
      throw new UserError(`Reading images needs the sharp package, which could not be loaded: ${error instanceof Error ? error.message : String(error)}.`, {
        hint: 'Reinstall the extension (or run npm install) so that sharp and its prebuilt binary for this platform are present.',
      });
    },
  );
  return loaded;
}
