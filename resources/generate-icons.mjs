#!/usr/bin/env node
/**
 * Draws the app and tray icons as PNGs with nothing but node:zlib (no image tooling needed), so they can be
 * regenerated anywhere: `node resources/generate-icons.mjs`. The PNGs are committed; electron-builder uses
 * icon.png (512 px; it derives .icns/.ico) and icons/<n>x<n>.png (Linux), the tray uses tray/tray-<state>.png
 * (16 px) with tray-<state>@2x.png (32 px) for HiDPI.
 *
 * The drawing: a speech bubble (messages) with a small plug-like bar (a gateway) on a rounded square.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** RGBA pixels (Uint8Array, width*height*4) -> PNG bytes (8-bit RGBA, no interlace). */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Renders shade(x, y) -> [r,g,b,a] | null over the unit square with 4x4 supersampling (anti-aliasing). */
function render(size, shade) {
  const out = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const c = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!c) continue;
          const alpha = c[3] / 255;
          r += c[0] * alpha; g += c[1] * alpha; b += c[2] * alpha; a += alpha;
        }
      }
      const i = (py * size + px) * 4;
      const n = samples * samples;
      out[i] = a ? Math.round(r / a) : 0;
      out[i + 1] = a ? Math.round(g / a) : 0;
      out[i + 2] = a ? Math.round(b / a) : 0;
      out[i + 3] = Math.round((a / n) * 255);
    }
  }
  return out;
}

const inRoundedSquare = (x, y, inset, radius) => {
  const lo = inset + radius, hi = 1 - inset - radius;
  const dx = Math.max(lo - x, 0, x - hi), dy = Math.max(lo - y, 0, y - hi);
  return x >= inset && x <= 1 - inset && y >= inset && y <= 1 - inset && dx * dx + dy * dy <= radius * radius;
};

/** Speech bubble: a circle with a tail at the bottom left, centred at (cx, cy). */
const inBubble = (x, y, cx, cy, r) => {
  const dx = x - cx, dy = y - cy;
  if (dx * dx + dy * dy <= r * r) return true;
  // Tail: triangle from the lower-left rim outwards.
  const ax = cx - r * 0.55, ay = cy + r * 0.55, bx = cx - r * 0.95, by = cy + r * 1.05, qx = cx - r * 0.05, qy = cy + r * 0.85;
  const sign = (x1, y1, x2, y2, x3, y3) => (x1 - x3) * (y2 - y3) - (x2 - x3) * (y1 - y3);
  const d1 = sign(x, y, ax, ay, bx, by), d2 = sign(x, y, bx, by, qx, qy), d3 = sign(x, y, qx, qy, ax, ay);
  const neg = d1 < 0 || d2 < 0 || d3 < 0, pos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(neg && pos);
};

/** Three dots inside the bubble (a message being relayed). */
const inDots = (x, y, cx, cy, r) => {
  for (const k of [-1, 0, 1]) {
    const dx = x - (cx + k * r * 0.42), dy = y - cy;
    if (dx * dx + dy * dy <= (r * 0.13) ** 2) return true;
  }
  return false;
};

const TEAL = [7, 94, 84, 255];
const WHITE = [255, 255, 255, 255];

function appIcon(size) {
  return render(size, (x, y) => {
    if (!inRoundedSquare(x, y, 0.04, 0.2)) return null;
    if (inBubble(x, y, 0.5, 0.46, 0.3)) return inDots(x, y, 0.5, 0.46, 0.3) ? TEAL : WHITE;
    return TEAL;
  });
}

const TRAY_COLOURS = {
  connected: [37, 211, 102, 255],
  disconnected: [134, 150, 160, 255],
  attention: [245, 166, 35, 255],
};
const BADGE = [229, 57, 53, 255];

function trayIcon(size, state) {
  return render(size, (x, y) => {
    if (state === 'attention') {
      const dx = x - 0.8, dy = y - 0.2;
      if (dx * dx + dy * dy <= 0.2 ** 2) return BADGE;
    }
    if (inBubble(x, y, 0.5, 0.45, 0.38)) return inDots(x, y, 0.5, 0.45, 0.38) ? null : TRAY_COLOURS[state];
    return null;
  });
}

function write(relative, size, pixels) {
  const file = join(here, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodePng(size, size, pixels));
  return file;
}

export function generateIcons() {
  const written = [];
  for (const size of [16, 32, 48, 64, 128, 256, 512]) written.push(write(`icons/${size}x${size}.png`, size, appIcon(size)));
  written.push(write('icon.png', 512, appIcon(512)));
  for (const state of Object.keys(TRAY_COLOURS)) {
    written.push(write(`tray/tray-${state}.png`, 16, trayIcon(16, state)));
    written.push(write(`tray/tray-${state}@2x.png`, 32, trayIcon(32, state)));
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of generateIcons()) console.log(`wrote ${file}`);
}
