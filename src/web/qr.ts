import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/** Modules of light border around the symbol (the QR standard's quiet zone). */
const QUIET_ZONE = 4;

/**
 * A QR code as a square PNG of exactly `size` pixels: whole pixels per module (crisp when
 * scanned), centred, with at least the quiet zone around it. (The `qrcode` package's own
 * `width` option can come out a pixel short.)
 */
export function qrPng(text: string, size: number): Buffer {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const scale = Math.max(1, Math.floor(size / (n + 2 * QUIET_ZONE)));
  const offset = Math.floor((size - n * scale) / 2);
  const png = new PNG({ width: size, height: size, colorType: 0 });
  png.data.fill(255);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (!modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (offset + y * scale + dy) * size;
        for (let dx = 0; dx < scale; dx++) {
          const i = (row + offset + x * scale + dx) * 4;
          png.data[i] = png.data[i + 1] = png.data[i + 2] = 0;
        }
      }
    }
  }
  return PNG.sync.write(png, { colorType: 0 });
}

/** A QR code as SVG markup (no script, no external references); scales with its container. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', margin: QUIET_ZONE, errorCorrectionLevel: 'M' });
}
