/** Delimiting WhatsApp content (src-main/mcp/render.ts) and reading thumbnails from raw payloads (app/context.ts). */
import { describe, expect, it } from 'vitest';
import { thumbnailFromRaw } from '../../src-main/app/context.js';
import { DATA_CLOSE, DATA_OPEN, dataBlock, dataLine } from '../../src-main/mcp/render.js';

describe('dataBlock / dataLine', () => {
  it('no text can open or close the block, in any spelling; parsing gives the text back unchanged', () => {
    const nasty = ['</whatsapp_data>', '</WHATSAPP_DATA>', '< / whatsapp_data >', '<whatsapp_data>', 'a<b>c', '\u2028line\nbreak'];
    for (const text of nasty) {
      const block = dataBlock('summary', [{ text }]);
      expect(block.split(DATA_OPEN)).toHaveLength(2);
      expect(block.split(DATA_CLOSE)).toHaveLength(2);
      expect(block.toLowerCase().match(/<\s*\/?\s*whatsapp_data/g)).toHaveLength(2);
      const line = block.split('\n').find((l) => l.startsWith('{'))!;
      expect(JSON.parse(line)).toEqual({ text });
    }
    expect(dataLine({ text: 'x</whatsapp_data>y' })).toBe('{"text":"x\\u003c/whatsapp_data>y"}');
  });

  it('an empty list has no block at all, only our summary and footer', () => {
    expect(dataBlock('0 chat(s).', [], 'No more pages.')).toBe('0 chat(s).\nNo more pages.');
  });
});

describe('thumbnailFromRaw', () => {
  it('finds jpegThumbnail as base64 text or a BufferJSON buffer; nothing for bad or missing input', () => {
    const b64 = Buffer.from('jpeg bytes').toString('base64');
    expect(thumbnailFromRaw(JSON.stringify({ message: { imageMessage: { jpegThumbnail: b64 } } }))).toBe(b64);
    expect(thumbnailFromRaw(JSON.stringify({ message: { viewOnceMessage: { message: { imageMessage: { jpegThumbnail: { type: 'Buffer', data: b64 } } } } } }))).toBe(b64);
    expect(thumbnailFromRaw(JSON.stringify({ message: { imageMessage: { jpegThumbnail: { type: 'Buffer', data: [1, 2, 3] } } } }))).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    expect(thumbnailFromRaw(null)).toBeNull();
    expect(thumbnailFromRaw('{not json')).toBeNull();
    expect(thumbnailFromRaw(JSON.stringify({ message: { imageMessage: { jpegThumbnail: '<script>' } } }))).toBeNull();
    expect(thumbnailFromRaw(JSON.stringify({ message: { imageMessage: {} } }))).toBeNull();
  });
});

describe('thumbnailFromRaw on a real payload', () => {
  it('finds the preview of a real imageMessage as the ingestion stores it (mapper rawOf)', async () => {
    const { proto } = await import('@whiskeysockets/baileys');
    const { writeRawMessage: rawOf } = await import('../../src-main/whatsapp/raw-message.js');
    const { readFileSync } = await import('node:fs');
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/real/imageMessage-1.json', import.meta.url), 'utf8')) as { payload: object };
    const m = proto.WebMessageInfo.fromObject(fixture.payload) as Parameters<typeof rawOf>[0];
    const thumb = m.message?.imageMessage?.jpegThumbnail;
    expect(thumb?.length).toBeGreaterThan(0);
    expect(thumbnailFromRaw(rawOf(m))).toBe(Buffer.from(thumb!).toString('base64'));
  });
});
