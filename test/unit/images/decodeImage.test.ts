import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../../src/engine/data/images/decodeImage';
import { imageEncoderFromState, ImageInputEncoder } from '../../../src/engine/data/images/imageEncoder';
import { encodeExamples } from '../../../src/engine/models/encodeExamples';
import { UserError } from '../../../src/engine/userError';
import { tempDir } from '../helpers/fixtures';
import { noise, solid, writeImage, writeTruncatedJpeg } from './imageFixtures';

const ONE_LEVEL = 1 / 255;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${what}: value ${i} is ${actual[i]}, expected ${expected[i]} ± ${tolerance}`);
  }
}

for (const format of ['png', 'webp'] as const) {
  test(`decode at the image's own size (${format}, lossless): exactly pixel / 255, height × width × RGB order`, async () => {
    const pixels = noise(8, 8, 31);
    const file = await writeImage(path.join(tempDir(), `x.${format}`), pixels, 8, 8, format);
    const decoded = await decodeImage(file, 8);
    assertClose(decoded, Array.from(pixels, (v) => v / 255), 1e-7, format);
  });
}

test('decode: a JPEG comes back within JPEG error of its pixels', async () => {
  const pixels = solid(16, 16, [200, 120, 40]);
  const file = await writeImage(path.join(tempDir(), 'x.jpg'), pixels, 16, 16, 'jpeg');
  assertClose(await decodeImage(file, 16), Array.from(pixels, (v) => v / 255), 3 * ONE_LEVEL, 'jpeg');
});

test('decode: grey becomes three equal channels, alpha is dropped (the stored colour kept)', async () => {
  const dir = tempDir();
  const grey = path.join(dir, 'grey.png');
  await sharp(Buffer.from([0, 64, 128, 255]), { raw: { width: 2, height: 2, channels: 1 } }).png().toFile(grey);
  assertClose(await decodeImage(grey, 2), [0, 0, 0, 64, 64, 64, 128, 128, 128, 255, 255, 255].map((v) => v / 255), 1e-7, 'grey');
  const rgba = path.join(dir, 'rgba.png');
  await sharp(Buffer.from([255, 0, 0, 0, 0, 255, 0, 128, 0, 0, 255, 255, 9, 8, 7, 255]), { raw: { width: 2, height: 2, channels: 4 } }).png().toFile(rgba);
  assertClose(await decodeImage(rgba, 2), [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 8, 7].map((v) => v / 255), 1e-7, 'rgba');
});

test('resize stretches to size×size: a uniform image stays uniform, halves stay halves away from the seam', async () => {
  const dir = tempDir();
  const uniform = await writeImage(path.join(dir, 'u.png'), solid(10, 6, [30, 60, 90]), 10, 6);
  const out = await decodeImage(uniform, 8);
  const expected = Array.from({ length: 64 * 3 }, (_, i) => [30, 60, 90][i % 3] / 255);
  assertClose(out, expected, ONE_LEVEL, 'uniform');

  // 32×32: left half red, right half blue → 16×16 (a 2:1 reduction; any reasonable kernel keeps the halves).
  const halves = new Uint8Array(32 * 32 * 3);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) halves.set(x < 16 ? [255, 0, 0] : [0, 0, 255], (y * 32 + x) * 3);
  const small = await decodeImage(await writeImage(path.join(dir, 'h.png'), halves, 32, 32), 16);
  for (let y = 0; y < 16; y++) {
    for (const x of [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]) {
      const at = (y * 16 + x) * 3;
      assertClose(small.slice(at, at + 3), x < 8 ? [1, 0, 0] : [0, 0, 1], 2 * ONE_LEVEL, `pixel ${y},${x}`);
    }
  }
});

test('decode applies the EXIF orientation (a picture rotated by the camera comes out upright)', async () => {
  // Stored 4 wide × 2 high: left half red, right half blue; orientation 6 = display rotated 90° clockwise,
  // so upright it is 2 wide × 4 high with red on top.
  const stored = new Uint8Array(4 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) stored.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
  const file = path.join(tempDir(), 'rotated.jpg');
  await sharp(Buffer.from(stored), { raw: { width: 4, height: 2, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(file);
  const out = await decodeImage(file, 4);
  const top = out.slice(0, 3);
  const bottom = out.slice(3 * 4 * 3, 3 * 4 * 3 + 3);
  assert.ok(top[0] > 0.8 && top[2] < 0.2, `top row is red, got ${Array.from(top)}`);
  assert.ok(bottom[2] > 0.8 && bottom[0] < 0.2, `bottom row is blue, got ${Array.from(bottom)}`);
});

test('the image encoder: one flat row per example (the decoded image), async only, clear errors', async () => {
  const dir = tempDir();
  const a = await writeImage(path.join(dir, 'a.png'), noise(4, 4, 41), 4, 4);
  const b = await writeImage(path.join(dir, 'b.png'), noise(4, 4, 42), 4, 4);
  const encoder = imageEncoderFromState(new ImageInputEncoder(4).state);
  assert.equal(encoder.width, 48);
  assert.deepEqual(encoder.state, { kind: 'image', size: 4, channels: 3, scale: 'divide-by-255', resize: 'stretch' });
  const examples = [a, b].map((file, i) => ({ line: i + 1, values: {}, label: 'x', file }));
  const x = await encodeExamples(encoder, examples);
  assert.deepEqual(x.shape, [2, 48]);
  const rows = x.arraySync();
  x.dispose();
  assertClose(rows[0], await decodeImage(a, 4), 0, 'row 0');
  assertClose(rows[1], await decodeImage(b, 4), 0, 'row 1');
  assert.throws(() => encoder.encode(examples), /asynchronously/);
  await assert.rejects(encoder.encodeAsync([{ line: 3, values: {}, label: 'x' }]), /line 3 has no image file/);
  const broken = await writeTruncatedJpeg(path.join(dir, 'broken.jpg'));
  await assert.rejects(encoder.encodeAsync([{ line: 1, values: {}, label: 'x', file: broken }]), (e: unknown) => e instanceof UserError && e.where === broken);
  writeFileSync(path.join(dir, 'text.png'), 'hello');
  await assert.rejects(decodeImage(path.join(dir, 'text.png'), 4), (e: unknown) => e instanceof UserError && /could not be decoded/.test(e.message));
});
