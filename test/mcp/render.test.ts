/** Delimiting WhatsApp content (src-main/mcp/render.ts). */
import { describe, expect, it } from 'vitest';
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
