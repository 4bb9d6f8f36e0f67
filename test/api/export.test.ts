import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition } from '../../src-main/api/resources/export.js';
import { parseWhatsAppTxt } from '../../src-main/export/txt.js';
import { seedMediaChat, sha256 } from '../export/fixtures.js';
import { unzip } from '../export/unzip.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const DM = '6281234567890@s.whatsapp.net';
const DM_ENC = '6281234567890%40s.whatsapp.net';
const GROUP = '120363012345678901@g.us';
const N = 1234;

describe('chat export over HTTP', () => {
  let g: TestGateway;
  let sessionId: string;
  let readKey: string;
  let seeded: { image: Buffer; sha: string };

  beforeAll(async () => {
    g = await startTestGateway();
    sessionId = g.session();
    g.seedChat(sessionId, DM, N);
    seeded = await seedMediaChat(g.store, g.dataDir, sessionId, GROUP);
    readKey = g.key(['read']);
  });
  afterAll(() => g.close());

  const url = (cid: string, q: string) => `/api/v1/sessions/${sessionId}/chats/${cid}/export${q}`;

  /** The raw bytes of a response (the harness reads text). */
  function download(path: string, auth: string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: g.info.port, path, headers: { authorization: `Bearer ${auth}`, host: `127.0.0.1:${g.info.port}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('JSON holds exactly the ids the messages API pages give, oldest first', async () => {
    const paged: string[] = [];
    let cursor = '';
    do {
      const page = await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${DM_ENC}/messages?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { auth: readKey });
      expect(page.status).toBe(200);
      paged.push(...page.body.data.map((m: { id: string }) => m.id));
      cursor = page.body.nextCursor ?? '';
    } while (cursor);
    expect(paged).toHaveLength(N);

    const res = await g.req('GET', url(DM_ENC, '?format=json'), { auth: readKey });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-export-messages']).toBe(String(N));
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="WhatsApp Chat with Chat 6281234567890@s.whatsapp.net.json"; filename*=UTF-8''WhatsApp%20Chat%20with%20Chat%206281234567890%40s.whatsapp.net.json`,
    );
    expect(res.body.chat.jid).toBe(DM);
    expect(res.body.messages.map((m: { id: string }) => m.id)).toEqual([...paged].reverse());
    // The same Message objects as the API: the first page's newest message matches the export's last.
    const first = await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${DM_ENC}/messages?limit=1`, { auth: readKey });
    expect(res.body.messages[N - 1]).toEqual(first.body.data[0]);
    expect(g.checked).toContain('GET /sessions/{session}/chats/{cid}/export 200');
  });

  it('txt parses back to the same number of messages; csv has the header and one row each', async () => {
    const txt = await g.req('GET', url(DM_ENC, '?format=txt'), { auth: readKey });
    expect(txt.status).toBe(200);
    expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8');
    const parsed = parseWhatsAppTxt(txt.text);
    expect(parsed).toHaveLength(N);
    expect(parsed[0]!.text).toBe('message 0');
    expect(parsed[N - 1]!.text).toBe(`message ${N - 1}`);
    expect(parseWhatsAppTxt((await g.req('GET', url(GROUP, '?format=txt'), { auth: readKey })).text)).toHaveLength(5);

    const csv = await g.req('GET', url(DM_ENC, '?format=csv'), { auth: readKey });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv.text.split('\r\n');
    expect(rows[0]).toMatch(/^id,timestamp,time,direction,sender_jid,sender_name,type,body,/);
    expect(rows).toHaveLength(N + 2); // header, N rows, the empty string after the last CRLF
    expect(rows[1]!.startsWith('m0,1700000000000,2023-11-14T22:13:20.000Z,in,')).toBe(true);
    expect(g.checked).toContain('GET /sessions/{session}/chats/{cid}/export 200 text/csv');
  });

  it('html is one page with no script and no remote reference; without media, placeholders', async () => {
    const res = await g.req('GET', url(GROUP, '?format=html'), { auth: readKey });
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).not.toMatch(/\ssrc="(?!media\/)/);
    expect(res.text).toContain('Media &lt;test&gt; group');
    expect(res.text).toContain('(not included)');
    expect(res.text).toContain('<a class="quote" href="#m-T1">Alice: hello\nsecond line</a>');
  });

  it('media=include answers a zip: the document plus media/ files whose bytes hash to their names', async () => {
    const res = await download(url(GROUP, '?format=html&media=include'), readKey);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''WhatsApp%20Chat%20with%20Media%20_test_%20group.zip`);
    const files = unzip(res.body);
    expect([...files.keys()].sort()).toEqual(['WhatsApp Chat with Media _test_ group.html', `media/${seeded.sha}.png`]);
    const media = files.get(`media/${seeded.sha}.png`)!;
    expect(sha256(media)).toBe(seeded.sha);
    expect(media.equals(seeded.image)).toBe(true);
    const html = files.get('WhatsApp Chat with Media _test_ group.html')!.toString('utf8');
    expect(html.match(new RegExp(`<img src="media/${seeded.sha}.png"`, 'g'))).toHaveLength(2);
    expect(html).toContain('never downloaded.pdf (not downloaded)');

    for (const [format, doc] of [['json', 'json'], ['txt', 'txt'], ['csv', 'csv']] as const) {
      const zipped = unzip((await download(url(GROUP, `?format=${format}&media=include`), readKey)).body);
      const text = zipped.get(`WhatsApp Chat with Media _test_ group.${doc}`)!.toString('utf8');
      expect(zipped.has(`media/${seeded.sha}.png`)).toBe(true);
      if (format === 'json') {
        const files = JSON.parse(text).messages.map((m: { media: { file: string | null } | null }) => m.media?.file);
        expect(files).toEqual([undefined, undefined, `media/${seeded.sha}.png`, `media/${seeded.sha}.png`, null]);
      }
      if (format === 'txt') {
        expect(text).toContain(`<attached: ${seeded.sha}.png>`);
        expect(text).toContain('Alice: <Media omitted>');
        expect(parseWhatsAppTxt(text)).toHaveLength(5);
      }
      if (format === 'csv') expect(text).toContain(`media/${seeded.sha}.png,image/png`);
    }
  });

  it('a reader that goes away mid-export stops it cleanly; the next export is complete', async () => {
    const BIG = '6289999999999%40s.whatsapp.net';
    g.seedChat(sessionId, '6289999999999@s.whatsapp.net', 20_000);
    for (const q of ['?format=json', '?format=html&media=include']) {
      const cut = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: g.info.port, path: url(BIG, q), headers: { authorization: `Bearer ${readKey}`, host: `127.0.0.1:${g.info.port}` } },
          (res) => {
            res.once('data', (c: Buffer) => {
              req.destroy();
              resolve(c.length);
            });
          },
        );
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
        req.end();
      });
      expect(cut).toBeGreaterThan(0);
    }
    const whole = await g.req('GET', url(DM_ENC, '?format=json'), { auth: readKey });
    expect(whole.body.messages).toHaveLength(N);
    expect(g.logLines.filter((l) => l.includes('chat export failed'))).toEqual([]);
    // Both were still being written when the reader left (20,000 messages are megabytes, far past any buffer).
    // On a loaded machine the server may notice the closed socket well after the client left: wait generously.
    await expect
      .poll(() => g.logLines.filter((l) => l.includes('chat export cut short by the reader')).length, { timeout: 20_000 })
      .toBe(2);
  });

  it('names the download in ASCII and exactly in UTF-8 (RFC 6266)', () => {
    expect(contentDisposition("Zoë's \"chat\" 😀.txt")).toBe(
      `attachment; filename="Zo_'s _chat_ __.txt"; filename*=UTF-8''Zo%C3%AB%27s%20%22chat%22%20%F0%9F%98%80.txt`,
    );
  });

  it('a LID form of the chat finds the phone-form chat it was merged into', async () => {
    const lid = '99887766554433@lid';
    g.store.lidMappings.put(sessionId, lid, DM);
    const res = await g.req('GET', url(encodeURIComponent(lid), '?format=txt'), { auth: readKey });
    expect(res.status).toBe(200);
    expect(res.headers['x-export-messages']).toBe(String(N));
  });

  it('answers bad input and access with clear 4xx before any byte of export', async () => {
    const bad = await g.req('GET', url(DM_ENC, '?format=pdf'), { auth: readKey });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'validation_error', details: { field: 'format', value: 'pdf' } });
    expect((await g.req('GET', url(DM_ENC, '?media=all'), { auth: readKey })).status).toBe(400);
    expect((await g.req('GET', url(DM_ENC, '?format=json&format=txt'), { auth: readKey })).status).toBe(400);
    expect((await g.req('GET', url('404040404040%40s.whatsapp.net', ''), { auth: readKey })).status).toBe(404);
    expect((await g.req('GET', `/api/v1/sessions/nope/chats/${DM_ENC}/export`, { auth: readKey })).status).toBe(404);
    expect((await g.req('GET', url(DM_ENC, ''))).status).toBe(401);
    expect((await g.req('GET', url(DM_ENC, ''), { auth: g.key(['send']) })).status).toBe(403);
    // format defaults to json, media to omit
    const plain = await g.req('GET', url(DM_ENC, ''), { auth: readKey });
    expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});
