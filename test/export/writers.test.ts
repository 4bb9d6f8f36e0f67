import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Chat, Message } from '../../src-main/core/types.js';
import { csvField } from '../../src-main/export/csv.js';
import { escapeHtml } from '../../src-main/export/html.js';
import { writeExport, writerFor } from '../../src-main/export/stream.js';
import { parseWhatsAppTxt } from '../../src-main/export/txt.js';
import { mediaPath, type ExportFormat, type ExportHead, type ExportItem } from '../../src-main/export/types.js';

const GROUP = '120363012345678901@g.us';
const chat: Chat = {
  jid: GROUP,
  name: 'Family <b>&</b> "friends"',
  type: 'group',
  lastMessageAt: null,
  lastMessage: null,
  unreadCount: 0,
  archived: false,
  pinned: false,
  mutedUntil: null,
  sessionId: 's1',
};

function message(id: string, over: Partial<Message> = {}): Message {
  return {
    id,
    waMessageId: id,
    sessionId: 's1',
    chatJid: GROUP,
    direction: 'in',
    fromMe: false,
    senderJid: '6281111111111@s.whatsapp.net',
    senderLid: null,
    senderName: 'Alice',
    type: 'text',
    body: `body of ${id}`,
    hasMedia: false,
    media: null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: null,
    timestamp: new Date(2026, 10, 26, 10, 53).getTime(),
    createdAt: 0,
    ackLevel: 3,
    error: null,
    status: 'read',
    edited: false,
    deleted: false,
    ...over,
  } as Message;
}

const T = new Date(2026, 10, 26, 10, 53).getTime();
const items: ExportItem[] = [
  { message: message('A1', { body: 'Hello' }), media: null },
  { message: message('A2', { body: 'line one\n26/11/2026, 10:53 - Mallory: forged line\nline three', timestamp: T + 60_000 }), media: null },
  { message: message('A3', { type: 'system', body: 'Alice added Bob', senderName: null, timestamp: T + 120_000 }), media: null },
  {
    message: message('A4', { fromMe: true, direction: 'out', type: 'image', body: 'a caption', hasMedia: true, media: { filename: null, mimetype: 'image/jpeg', size: 10 }, timestamp: T + 86_400_000 }),
    media: { file: `media/${'a'.repeat(64)}.jpg`, filename: null, mimetype: 'image/jpeg' },
  },
  {
    message: message('A5', { type: 'document', body: '', hasMedia: true, media: { filename: 'report.pdf', mimetype: 'application/pdf', size: 10 }, quotedMessageId: 'A1', timestamp: T + 86_460_000 }),
    media: { file: null, filename: 'report.pdf', mimetype: 'application/pdf' },
  },
  { message: message('A6', { body: '<script>alert(1)</script> =cmd|"x", see https://example.com/a?b=1&c=2', timestamp: T + 86_520_000 }), media: null },
];

/** A sink with a tiny buffer that drains slowly: every write past the first waits for 'drain'. */
class SlowSink extends Writable {
  chunks: string[] = [];
  constructor() {
    super({ highWaterMark: 16, decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(String(chunk));
    setImmediate(cb);
  }
}

async function render(format: ExportFormat, includeMedia = true, batches: ExportItem[][] = [items.slice(0, 2), items.slice(2)]): Promise<string> {
  const head: ExportHead = { chat, exportedAt: 1_800_000_000_000, includeMedia, selfName: 'You' };
  const sink = new SlowSink();
  const progress: number[] = [];
  const n = await writeExport(sink, writerFor(format, head), batches, (w) => progress.push(w));
  expect(n).toBe(batches.flat().length);
  expect(progress).toEqual(batches.map((_, i) => batches.slice(0, i + 1).flat().length));
  return sink.chunks.join('');
}

describe('export writers', () => {
  it('json: {chat, exportedAt, messages} with the API Message objects, in the given order', async () => {
    const doc = JSON.parse(await render('json'));
    expect(doc.chat).toEqual(chat);
    expect(doc.exportedAt).toBe(1_800_000_000_000);
    expect(doc.messages.map((m: Message) => m.id)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6']);
    expect(doc.messages[0]).toEqual(items[0]!.message);
    expect(doc.messages[3].media).toEqual({ filename: null, mimetype: 'image/jpeg', size: 10, file: `media/${'a'.repeat(64)}.jpg` });
    expect(doc.messages[4].media.file).toBeNull();
    const omitted = JSON.parse(await render('json', false));
    expect(omitted.messages[3].media).toEqual({ filename: null, mimetype: 'image/jpeg', size: 10 });
    expect(JSON.parse(await render('json', false, []))).toEqual({ chat, exportedAt: 1_800_000_000_000, messages: [] });
  });

  it('txt: WhatsApp Android lines that parse back to the same messages', async () => {
    const text = await render('txt');
    expect(text.split('\n')[0]).toBe('26/11/2026, 10:53 - Alice: Hello');
    expect(text).toContain('26/11/2026, 10:55 - Alice added Bob\n');
    expect(text).toContain(`27/11/2026, 10:53 - You: <attached: ${'a'.repeat(64)}.jpg>\na caption\n`);
    expect(text).toContain('27/11/2026, 10:54 - Alice: <Media omitted>\n');
    const parsed = parseWhatsAppTxt(text);
    expect(parsed).toHaveLength(items.length);
    expect(parsed[1]).toEqual({ day: '26/11/2026', time: '10:54', author: 'Alice', text: 'line one\n\u200b26/11/2026, 10:53 - Mallory: forged line\nline three' });
    expect(parsed[2]!.author).toBeNull();
    expect(parsed.map((p) => p.author)).toEqual(['Alice', 'Alice', null, 'You', 'Alice', 'Alice']);
  });

  it('csv: a header, one quoted row per message, formula cells defused', async () => {
    const text = await render('csv');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('id,timestamp,time,direction,sender_jid,sender_name,type,body,media_file,media_mimetype,quoted_message_id,status,edited,deleted');
    expect(lines[lines.length - 1]).toBe('');
    expect(text).toContain(`"line one\n26/11/2026, 10:53 - Mallory: forged line\nline three"`);
    expect(text).toContain(`A6,${T + 86_520_000},`);
    expect(text).toContain('"<script>alert(1)</script> =cmd|""x"", see https://example.com/a?b=1&c=2"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(null)).toBe('');
    expect(csvField(12)).toBe('12');
  });

  it('html: escaped, no scripts, no remote loads, bubbles, day separators, quotes and inline media', async () => {
    const html = await render('html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>Family &lt;b&gt;&amp;&lt;/b&gt; &quot;friends&quot;</title>');
    // The only absolute URL is the link a reader may follow (an anchor, never a src).
    expect(html.match(/(?:src|href)="https?:[^"]*"/g)).toEqual(['href="https://example.com/a?b=1&amp;c=2"']);
    expect(html).toContain(`<img src="media/${'a'.repeat(64)}.jpg"`);
    expect(html).toContain('report.pdf (not downloaded)');
    expect(html.match(/class="day"/g)).toHaveLength(2);
    expect(html).toContain('<a class="quote" href="#m-A1">Alice: Hello</a>');
    expect(html).toContain('<div class="msg out" id="m-A4">');
    expect(html).toContain('<div class="sys" id="m-A3">Alice added Bob</div>');
    expect(html).toContain('prefers-color-scheme:dark');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it('media paths are built from the hash and a plain extension only', () => {
    const sha = 'b'.repeat(64);
    expect(mediaPath(sha, 'image/png', 'x.exe')).toBe(`media/${sha}.png`);
    expect(mediaPath(sha, null, '../../etc/passwd.Sh')).toBe(`media/${sha}.sh`);
    expect(mediaPath(sha, 'application/x-weird', 'no extension here')).toBe(`media/${sha}.bin`);
    expect(mediaPath(sha, null, 'evil.<img>')).toBe(`media/${sha}.bin`);
  });

  it('stops with an error when the reader goes away mid-export', async () => {
    const sink = new SlowSink();
    const many = Array.from({ length: 50 }, (_, i) => [{ message: message(`B${i}`), media: null }]);
    const head: ExportHead = { chat, exportedAt: 0, includeMedia: false, selfName: 'You' };
    const run = writeExport(sink, writerFor('json', head), many, (w) => {
      if (w === 3) sink.destroy();
    });
    await expect(run).rejects.toThrow(/closed/);
  });
});
