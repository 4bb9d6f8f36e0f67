import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src-renderer/src/lib/api/client.js';
import { ApiError } from '../../src-renderer/src/lib/api/errors.js';
import { readableActionError } from '../../src-renderer/src/lib/logic/compose.js';

/** The client's calls for acting on chats (API.md "Acting on chats"), over real HTTP. */
interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: Buffer;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let respond: () => [number, string] = () => [200, '{}'];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], body: Buffer.concat(chunks) });
      const [status, text] = respond();
      res.writeHead(status, text ? { 'content-type': 'application/json' } : {});
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
  respond = () => [200, JSON.stringify({ waMessageId: 'W1', status: 'pending', timestamp: 5 })];
});

describe('ApiClient: acting on chats', () => {
  it('sends a file as multipart with its fields, the bytes intact', async () => {
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]);
    const file = new File([bytes], 'beach photo.jpg', { type: 'image/jpeg' });
    const result = await client.sendFile('s1', { type: 'image', to: '62812@s.whatsapp.net', file, caption: 'Look', replyTo: 'Q1' });
    expect(result).toEqual({ waMessageId: 'W1', status: 'pending', timestamp: 5 });
    const request = seen[0]!;
    expect(`${request.method} ${request.url}`).toBe('POST /api/v1/sessions/s1/messages');
    expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
    // Parse it back the way a server would.
    const form = await new Response(new Uint8Array(request.body), { headers: { 'content-type': request.contentType! } }).formData();
    expect(form.get('type')).toBe('image');
    expect(form.get('to')).toBe('62812@s.whatsapp.net');
    expect(form.get('caption')).toBe('Look');
    expect(form.get('replyTo')).toBe('Q1');
    expect(form.get('mimetype')).toBe('image/jpeg');
    expect(form.get('filename')).toBe('beach photo.jpg');
    const part = form.get('file') as File;
    expect(part.name).toBe('beach photo.jpg');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes);
  });

  it('a 413 comes back as an ApiError with the gateway message', async () => {
    respond = () => [413, JSON.stringify({ error: { code: 'payload_too_large', message: 'The media is over 64 MiB', details: {} } })];
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    const error = await client.sendFile('s1', { type: 'document', to: 'a@g.us', file: new File(['x'], 'a.txt') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect(readableActionError(error)).toBe('The media is over 64 MiB');
    // A bare 413 (a proxy in front, no envelope) still reads as a sentence.
    expect(readableActionError(new ApiError(413, 'bad_response', 'Request failed (413 Payload Too Large)'))).toBe('The file is larger than the gateway accepts.');
    expect(readableActionError(new ApiError(409, 'bad_response', 'Request failed (409)'))).toBe('WhatsApp no longer allows this change (too late).');
  });

  it('JSON kinds, edit, delete, retry and read use the documented paths and bodies', async () => {
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    await client.sendMessage('s1', { type: 'reaction', to: 'a@s.whatsapp.net', messageId: 'M1', emoji: '' });
    await client.sendMessage('s1', { type: 'poll', to: 'a@s.whatsapp.net', name: 'Q', options: ['a', 'b'], selectableCount: 1 });
    respond = () => [200, JSON.stringify({ id: 'M1', body: 'new' })];
    await client.editMessage('s1', 'a@s.whatsapp.net', 'M1', 'new');
    respond = () => [204, ''];
    await expect(client.deleteMessage('s1', 'a@s.whatsapp.net', 'M1', 'everyone')).resolves.toBeUndefined();
    await client.deleteMessage('s1', 'a@s.whatsapp.net', 'M1', 'me');
    respond = () => [200, JSON.stringify({ waMessageId: 'M1', status: 'pending', timestamp: 1 })];
    await client.retryMessage('s1', 'a@s.whatsapp.net', 'M1');
    respond = () => [200, JSON.stringify({ jid: 'a@s.whatsapp.net', unreadCount: 0 })];
    await client.markRead('s1', 'a@s.whatsapp.net', { receipts: true });
    await client.markRead('s1', 'a@s.whatsapp.net');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/sessions/s1/messages',
      'POST /api/v1/sessions/s1/messages',
      'PATCH /api/v1/sessions/s1/chats/a%40s.whatsapp.net/messages/M1',
      'DELETE /api/v1/sessions/s1/chats/a%40s.whatsapp.net/messages/M1?for=everyone',
      'DELETE /api/v1/sessions/s1/chats/a%40s.whatsapp.net/messages/M1?for=me',
      'POST /api/v1/sessions/s1/chats/a%40s.whatsapp.net/messages/M1:retry',
      'POST /api/v1/sessions/s1/chats/a%40s.whatsapp.net/read?receipts=true',
      'POST /api/v1/sessions/s1/chats/a%40s.whatsapp.net/read',
    ]);
    expect(JSON.parse(seen[0]!.body.toString())).toEqual({ type: 'reaction', to: 'a@s.whatsapp.net', messageId: 'M1', emoji: '' });
    expect(JSON.parse(seen[2]!.body.toString())).toEqual({ text: 'new' });
    expect(seen[5]!.body.length).toBe(0);
  });
});
