// `npm run icon`: media/icon.png, the 128x128 Marketplace icon, rendered from media/shannon.svg (the
// activity bar icon) so the two never drift apart: the line of the SVG, white, on a rounded square.
//
// Rendered by Chromium through playwright-core, the browser the webview and e2e tests already use
// (test/harness/browser.mjs): no rasterizer dependency for a file made once per SVG change. The PNG
// records the SHA-256 of the SVG it was made from (composition included) in a tEXt chunk; the
// static layer (test/static/package.test.ts) compares it with the current SVG, without rendering.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const mediaDir = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_SVG = path.join(mediaDir, 'shannon.svg');
export const ICON_PNG = path.join(mediaDir, 'icon.png');
/** The tEXt keyword under which the icon records its source's hash. */
export const SOURCE_KEYWORD = 'shannon-icon-source-sha256';

const SIZE = 128;
const PADDING = 20;
const RADIUS = 28;
// Also package.json's galleryBanner: the banner is a darker shade of the same indigo.
const BACKGROUND = '#4F46E5';
const FOREGROUND = '#FFFFFF';

/** The icon as SVG: the source's drawing, scaled into the padded square, its currentColor white. */
export function composeIconSvg(source) {
  const root = /<svg\b[^>]*>/.exec(source);
  const end = source.lastIndexOf('</svg>');
  if (!root || end < 0) throw new Error(`${SOURCE_SVG}: no <svg> element`);
  if (!/viewBox="[^"]+"/.test(root[0])) throw new Error(`${SOURCE_SVG}: the <svg> element needs a viewBox`);
  const drawingSize = SIZE - 2 * PADDING;
  // The source's own presentation attributes (fill, stroke, stroke-width, ...) stay on the nested
  // <svg> so its children inherit them; only its size and place change.
  const nested = root[0]
    .replace(/\s(xmlns|width|height|x|y)="[^"]*"/g, '')
    .replace(/^<svg\b/, `<svg x="${PADDING}" y="${PADDING}" width="${drawingSize}" height="${drawingSize}"`);
  const drawing = `${nested}${source.slice(root.index + root[0].length, end)}</svg>`.replaceAll(
    'currentColor',
    FOREGROUND,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">` +
    `<rect width="${SIZE}" height="${SIZE}" rx="${RADIUS}" fill="${BACKGROUND}"/>${drawing}</svg>`
  );
}

export function iconSourceHash(source = readFileSync(SOURCE_SVG, 'utf8')) {
  return createHash('sha256').update(composeIconSvg(source)).digest('hex');
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The PNG's chunks as { type, data }, after the 8-byte signature. */
export function pngChunks(png) {
  const chunks = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** The value of a tEXt chunk (keyword NUL text), or undefined. */
export function pngText(png, keyword) {
  for (const { type, data } of pngChunks(png)) {
    if (type !== 'tEXt') continue;
    const nul = data.indexOf(0);
    if (data.toString('latin1', 0, nul) === keyword) return data.toString('latin1', nul + 1);
  }
  return undefined;
}

/** The PNG with a tEXt chunk inserted right after IHDR (which is always first, 25 bytes long). */
function withText(png, keyword, text) {
  const data = Buffer.from(`${keyword}\0${text}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const afterHeader = 8 + 25;
  return Buffer.concat([png.subarray(0, afterHeader), chunk, png.subarray(afterHeader)]);
}

async function render() {
  const { launchChromium } = await import('../test/harness/browser.mjs');
  const source = readFileSync(SOURCE_SVG, 'utf8');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><body style="margin:0">${composeIconSvg(source)}</body>`);
    const png = await page.screenshot({
      type: 'png',
      omitBackground: true,
      clip: { x: 0, y: 0, width: SIZE, height: SIZE },
    });
    writeFileSync(ICON_PNG, withText(png, SOURCE_KEYWORD, iconSourceHash(source)));
    console.log(`[icon] ${path.relative(process.cwd(), ICON_PNG)} from ${path.relative(process.cwd(), SOURCE_SVG)}`);
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  render().catch((error) => {
    console.error(`[icon] ${error.message}`);
    process.exit(1);
  });
}
