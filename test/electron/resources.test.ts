/** The committed icons are real PNGs of the sizes electron-builder and the tray expect. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../resources/generate-icons.mjs';

const resources = fileURLToPath(new URL('../../resources/', import.meta.url));

/** Minimal decoder for what encodePng writes (8-bit RGBA, filter 0): width, height, pixels. */
function decode(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 4 + 1) * height);
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  return { width, height, rgba };
}

const opaqueShare = (rgba: Buffer) => {
  let opaque = 0;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i]! > 200) opaque += 1;
  return opaque / (rgba.length / 4);
};

describe('icons', () => {
  it('encodePng round-trips pixels', () => {
    const pixels = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4]);
    const { width, height, rgba } = decode(encodePng(2, 2, pixels));
    expect([width, height]).toEqual([2, 2]);
    expect([...rgba]).toEqual([...pixels]);
  });

  it.each([16, 32, 48, 64, 128, 256, 512])('icons/%ix%i.png is a mostly opaque square of that size', (size) => {
    const { width, height, rgba } = decode(readFileSync(`${resources}icons/${size}x${size}.png`));
    expect([width, height]).toEqual([size, size]);
    expect(opaqueShare(rgba)).toBeGreaterThan(0.7);
  });

  it('icon.png is 512 px (electron-builder derives .icns/.ico from it)', () => {
    expect(decode(readFileSync(`${resources}icon.png`)).width).toBe(512);
  });

  it.each(['connected', 'disconnected', 'attention'])('tray-%s has 16 px and 32 px variants with a visible shape', (state) => {
    const small = decode(readFileSync(`${resources}tray/tray-${state}.png`));
    const large = decode(readFileSync(`${resources}tray/tray-${state}@2x.png`));
    expect([small.width, large.width]).toEqual([16, 32]);
    expect(opaqueShare(large.rgba)).toBeGreaterThan(0.2);
    expect(opaqueShare(large.rgba)).toBeLessThan(0.9);
  });

  it('the three tray states look different', () => {
    const colours = ['connected', 'disconnected', 'attention'].map((s) => decode(readFileSync(`${resources}tray/tray-${s}@2x.png`)).rgba.toString('hex'));
    expect(new Set(colours).size).toBe(3);
  });
});
