// Which files are images the engine reads, and reading one: checked by a full decode, hashed.

import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { loadSharp } from './sharpLoader';

/** File extensions read as images (lower case). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];
/** The decoders behind them, as sharp names them. */
const IMAGE_FORMATS: readonly string[] = ['jpeg', 'png', 'webp'];
/** Images larger than this many pixels are refused (a decompression-bomb guard; 0x3FFF² as sharp's default). */
export const MAX_IMAGE_PIXELS = 268_402_689;

export function hasImageExtension(file: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

export type ImageCheck =
  | { ok: true; sha256: string; bytes: number; width: number; height: number }
  | { ok: false; sha256: string | null; bytes: number; reason: string };

/**
 * Reads the file, hashes it, and decodes it whole (at a small size: the decoders still read every
 * byte, so truncated or corrupt data fails here and not in the middle of training).
 */
export async function checkImageFile(file: string): Promise<ImageCheck> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'the file does not exist' : code === 'EISDIR' ? 'it is a folder' : `it cannot be read (${code ?? String(error)})`;
    return { ok: false, sha256: null, bytes: 0, reason };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length === 0) return { ok: false, sha256, bytes: 0, reason: 'the file is empty' };
  const sharp = await loadSharp();
  try {
    const image = sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_IMAGE_PIXELS });
    const meta = await image.metadata();
    if (!IMAGE_FORMATS.includes(meta.format)) {
      return { ok: false, sha256, bytes: bytes.length, reason: `it is a ${meta.format} image; only JPEG, PNG and WebP are read` };
    }
    await image.resize(16, 16, { fit: 'fill' }).raw().toBuffer();
    return { ok: true, sha256, bytes: bytes.length, width: meta.width, height: meta.height };
  } catch (error) {
    const message = error instanceof Error ? error.message.trim().replace(/:$/, '') : String(error);
    return { ok: false, sha256, bytes: bytes.length, reason: `it cannot be decoded as an image (${message})` };
  }
}
