// Reads a QR code off the screen as a phone's camera would: a screenshot of the element
// (PNG), decoded to pixels with pngjs and read with jsQR, a real decoder. So a test checks
// what the picture says, not what the page meant it to say.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

export async function readQr(locator) {
  const png = PNG.sync.read(await locator.screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!found) throw new Error(`no QR code found in a ${png.width}x${png.height} screenshot`);
  return found.data;
}
