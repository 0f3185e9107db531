// Helpers for the safetensors tests: build file bytes by hand from a header (object or raw text)
// and raw data bytes, the way the format is specified, without going through our writer.

import { mulberry32 } from '../helpers/seededRandom';

/** Little-endian u64 of `n` (n < 2^53) as 8 bytes. */
export function u64le(n: number | bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A file from header text (padded with spaces to 8 bytes unless `pad` is false) and data bytes. */
export function fileFromHeaderText(headerText: string, data: Uint8Array = new Uint8Array(0), pad = true): Uint8Array {
  let header: Uint8Array = new TextEncoder().encode(headerText);
  if (pad && header.length % 8 !== 0) header = concatBytes(header, new Uint8Array(8 - (header.length % 8)).fill(0x20));
  return concatBytes(u64le(header.length), header, data);
}

/** A file from a header object (JSON.stringify) and data bytes. */
export function fileFromHeader(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return fileFromHeaderText(JSON.stringify(header), data);
}

/** Little-endian bytes of float32 values. */
export function f32Bytes(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Seeded uniform [0, 1) generator (mulberry32). */
export const seededRandom = mulberry32;
