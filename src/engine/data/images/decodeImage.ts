// Decodes one image file into the model's input: RGB (alpha dropped, grey and CMYK converted to
// sRGB, EXIF orientation applied), stretched to size×size (no crop, as Keras' load_img and nsfwjs
// do), 8 bits per channel, scaled to [0, 1] by dividing by 255 (what the nsfwjs MobileNetV2 was
// trained on), laid out height × width × channel (NHWC, tfjs's layout).

import { UserError } from '../../userError';
import { MAX_IMAGE_PIXELS } from './imageFiles';
import { loadSharp } from './sharpLoader';

/** Writes size·size·3 values into `out` from `offset`. Throws a UserError naming the file when it does not decode. */
export async function decodeImageInto(file: string, size: number, out: Float32Array, offset: number): Promise<void> {
  const sharp = await loadSharp();
  let data: Buffer;
  try {
    const result = await sharp(file, { failOn: 'warning', limitInputPixels: MAX_IMAGE_PIXELS, autoOrient: true })
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (result.info.channels !== 3 || result.info.width !== size || result.info.height !== size) {
      throw new Error(`decoded to ${result.info.width}×${result.info.height}×${result.info.channels}, not ${size}×${size}×3`);
    }
    data = result.data;
  } catch (error) {
    throw new UserError(`The image ${file} could not be decoded: ${error instanceof Error ? error.message.trim() : String(error)}.`, {
      where: file,
      hint: 'It read fine when the dataset was checked: was it changed or removed since? Restore it, or remove it and start again.',
    });
  }
  for (let i = 0; i < data.length; i++) out[offset + i] = data[i] / 255;
}

/** One image as a fresh size·size·3 array (see decodeImageInto). */
export async function decodeImage(file: string, size: number): Promise<Float32Array> {
  const out = new Float32Array(size * size * 3);
  await decodeImageInto(file, size, out, 0);
  return out;
}
