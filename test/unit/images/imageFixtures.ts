// Tiny image files generated with sharp for the image tests: PNG, JPEG and WebP from raw pixels,
// plus broken files (a truncated JPEG, a PNG with a damaged header, text with an image name).

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { SeededRng } from '../../../src/engine/training/rng';

export type Format = 'png' | 'jpeg' | 'webp';

/** Raw RGB pixels (h·w·3 bytes, row-major) encoded in the format; lossless for PNG and WebP. */
export async function encodeRgb(pixels: Uint8Array, width: number, height: number, format: Format): Promise<Buffer> {
  const image = sharp(Buffer.from(pixels), { raw: { width, height, channels: 3 } });
  if (format === 'png') return image.png().toBuffer();
  if (format === 'webp') return image.webp({ lossless: true }).toBuffer();
  return image.jpeg({ quality: 95 }).toBuffer();
}

export async function writeImage(file: string, pixels: Uint8Array, width: number, height: number, format: Format = 'png'): Promise<string> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await encodeRgb(pixels, width, height, format));
  return file;
}

/** w·h pixels of one colour. */
export function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) out.set(rgb, i * 3);
  return out;
}

/** Seeded random pixels. */
export function noise(width: number, height: number, seed: number): Uint8Array {
  const rng = new SeededRng(seed);
  return Uint8Array.from({ length: width * height * 3 }, () => rng.nextInt(256));
}

/** A JPEG cut in half: its header reads, its pixels do not. */
export async function writeTruncatedJpeg(file: string): Promise<string> {
  const whole = await encodeRgb(noise(64, 64, 3), 64, 64, 'jpeg');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
  return file;
}

/** A PNG whose header chunk is overwritten. */
export async function writeDamagedPng(file: string): Promise<string> {
  const whole = await encodeRgb(noise(16, 16, 4), 16, 16, 'png');
  const damaged = Buffer.from(whole);
  damaged.fill(7, 12, 40);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, damaged);
  return file;
}

/**
 * Two classes told apart by where the light is: 'left' images are bright on their left half,
 * 'right' ones on their right half, each with seeded noise.
 */
export async function writeLeftRightFolder(dir: string, perClass: number, side = 16): Promise<string> {
  for (const label of ['left', 'right']) {
    for (let i = 0; i < perClass; i++) {
      const rng = new SeededRng(1000 * (label === 'left' ? 1 : 2) + i);
      const pixels = new Uint8Array(side * side * 3);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const bright = label === 'left' ? x < side / 2 : x >= side / 2;
          const base = bright ? 200 : 40;
          for (let c = 0; c < 3; c++) pixels[(y * side + x) * 3 + c] = Math.max(0, Math.min(255, base + rng.nextInt(41) - 20));
        }
      }
      await writeImage(path.join(dir, label, `${label}-${String(i).padStart(2, '0')}.png`), pixels, side, side, 'png');
    }
  }
  return dir;
}
