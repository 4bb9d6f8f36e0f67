import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, filenameOf } from '../../src-renderer/src/lib/api/client.js';
import { ApiError } from '../../src-renderer/src/lib/api/errors.js';

let server: Server;
let base: string;
const urls: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    urls.push(`${req.headers.authorization} ${req.url}`);
    if (req.headers.authorization !== 'Bearer good') {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'no', details: {} } }));
      return;
    }
    if (req.url!.includes('format=pdf')) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'validation_error', message: 'format must be one of json, html, txt, csv', details: {} } }));
      return;
    }
    // Streamed like the gateway: no Content-Length, the body in several chunks.
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="WhatsApp Chat with Zo_.txt"; filename*=UTF-8''WhatsApp%20Chat%20with%20Zo%C3%AB.txt`,
      'x-export-messages': '3',
    });
    let i = 0;
    const next = () => {
      if (i === 3) return res.end();
      res.write(`26/11/2026, 10:5${i} - Zoë: line ${i}\n`);
      i++;
      setTimeout(next, 5);
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ApiClient.exportChat', () => {
  it('reads the stream with progress, the message count and the UTF-8 file name; renews the token once on 401', async () => {
    let renewals = 0;
    const client = new ApiClient({ baseUrl: base, getToken: () => 'stale', onUnauthorized: async () => (renewals++, 'good') });
    const progress: { bytes: number; messages: number | null }[] = [];
    const result = await client.exportChat('S1', '62811@s.whatsapp.net', { format: 'txt', media: false }, (p) => progress.push(p));
    expect(renewals).toBe(1);
    expect(urls.slice(-2)).toEqual([
      'Bearer stale /api/v1/sessions/S1/chats/62811%40s.whatsapp.net/export?format=txt&media=omit',
      'Bearer good /api/v1/sessions/S1/chats/62811%40s.whatsapp.net/export?format=txt&media=omit',
    ]);
    const text = await result.blob.text();
    expect(text.split('\n').filter(Boolean)).toHaveLength(3);
    expect(result).toMatchObject({ filename: 'WhatsApp Chat with Zoë.txt', messages: 3, bytes: Buffer.byteLength(text) });
    expect(result.blob.type).toBe('text/plain; charset=utf-8');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[progress.length - 1]).toEqual({ bytes: Buffer.byteLength(text), messages: 3 });
  });

  it('turns an error answer into an ApiError with the envelope message', async () => {
    const client = new ApiClient({ baseUrl: base, getToken: () => 'good' });
    const err = await client.exportChat('S1', 'x@s.whatsapp.net', { format: 'pdf' as 'txt', media: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toBe('format must be one of json, html, txt, csv');
  });

  it('file names: filename* first, the quoted ASCII name otherwise', () => {
    expect(filenameOf(`attachment; filename="a_.txt"; filename*=UTF-8''%C3%A4.txt`)).toBe('ä.txt');
    expect(filenameOf('attachment; filename="plain.csv"')).toBe('plain.csv');
    expect(filenameOf(`attachment; filename="x.json"; filename*=UTF-8''%E0%A4%A.json`)).toBe('x.json');
    expect(filenameOf(null)).toBeNull();
  });
});
