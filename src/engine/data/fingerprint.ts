// Content fingerprints: sha256 of a file's bytes, computed while streaming.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A pass-through stream that hashes every byte going through it. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  /** Bytes seen so far. */
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** The sha256 hex digest; call once, after the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** sha256 of the file's bytes, hex, read as a stream. */
export async function fingerprintFile(path: string): Promise<string> {
  const hashing = new HashingStream();
  hashing.resume();
  await pipeline(createReadStream(path), hashing);
  return hashing.digest();
}
