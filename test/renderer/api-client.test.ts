import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src-renderer/src/lib/api/client.js';
import { ApiError } from '../../src-renderer/src/lib/api/errors.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** Per-test responder: (request, body) -> [status, body text]. */
let respond: (req: IncomingMessage, body: string) => [number, string] = () => [200, '{}'];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization,
        contentType: req.headers['content-type'], body });
      const [status, text] = respond(req, body);
      res.writeHead(status, text ? { 'content-type': 'application/json' } : {});
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

describe('ApiClient over real HTTP', () => {
  it('sends the bearer token, percent-encodes JIDs and passes paging parameters', async () => {
    respond = () => [200, JSON.stringify({ data: [{ id: 'm1' }], nextCursor: 'c2' })];
    const client = new ApiClient({ baseUrl: base, getToken: () => 'tok' });
    const page = await client.listChatMessages('01SESSION', '6281234567890@s.whatsapp.net', { limit: 50, cursor: 'abc/=' });
    expect(page).toEqual({ data: [{ id: 'm1' }], nextCursor: 'c2' });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/api/v1/sessions/01SESSION/chats/6281234567890%40s.whatsapp.net/messages?limit=50&cursor=abc%2F%3D',
      authorization: 'Bearer tok',
    });
  });

  it('uses colon actions and JSON bodies', async () => {
    respond = () => [200, JSON.stringify({ id: 's1', status: 'starting' })];
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    await client.sessionAction('s1', 'start');
    await client.followChannel('s1', '120363@newsletter');
    await client.sendText('s1', '62812@s.whatsapp.net', 'hi');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/sessions/s1:start',
      'POST /api/v1/sessions/s1/channels/120363%40newsletter:follow',
      'POST /api/v1/sessions/s1/messages',
    ]);
    expect(seen[2]!.contentType).toBe('application/json');
    expect(JSON.parse(seen[2]!.body)).toEqual({ type: 'text', to: '62812@s.whatsapp.net', text: 'hi' });
  });

  it('answers undefined for 204 and leaves out empty query values', async () => {
    respond = () => [204, ''];
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    await expect(client.deleteChat('s1', 'a@g.us')).resolves.toBeUndefined();
    respond = () => [200, JSON.stringify({ data: [], nextCursor: null })];
    await client.listChats('s1', { cursor: null, q: '  ' });
    expect(seen[1]!.url).toBe('/api/v1/sessions/s1/chats');
  });

  it('throws the envelope message and code as an ApiError', async () => {
    respond = () => [501, JSON.stringify({ error: { code: 'not_implemented', message: 'No live WhatsApp client', details: { a: 1 } } })];
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    const error = await client.setPresence('s1', 'a@s.whatsapp.net', 'composing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 501, code: 'not_implemented', message: 'No live WhatsApp client', details: { a: 1 } });
    expect((error as ApiError).isNotLive).toBe(true);
    respond = () => [500, 'not json'];
    await expect(client.listSessions()).rejects.toMatchObject({ status: 500, code: 'bad_response' });
  });

  it('renews once on 401 and retries with the new token', async () => {
    let renewals = 0;
    respond = (req) =>
      req.headers.authorization === 'Bearer fresh'
        ? [200, JSON.stringify({ data: [{ id: 's1' }], nextCursor: null })]
        : [401, JSON.stringify({ error: { code: 'unauthorized', message: 'Unauthorized', details: {} } })];
    const client = new ApiClient({ baseUrl: base, getToken: () => 'stale', onUnauthorized: async () => (renewals++, 'fresh') });
    expect(await client.listSessions()).toEqual([{ id: 's1' }]);
    expect(renewals).toBe(1);
    const giveUp = new ApiClient({ baseUrl: base, getToken: () => 'stale', onUnauthorized: async () => null });
    await expect(giveUp.listSessions()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('logs in without a token and reads the created key secret', async () => {
    respond = (req) =>
      req.url === '/api/v1/auth/login'
        ? [200, JSON.stringify({ token: 'jwt', expiresAt: 1 })]
        : [201, JSON.stringify({ id: 'k1', name: 'n', prefix: 'wa_ab', capabilities: ['read'], createdAt: 1, lastUsedAt: null, secret: 'wa_secret' })];
    const client = new ApiClient({ baseUrl: base, getToken: () => 'should-not-be-sent' });
    expect(await client.login('code1')).toEqual({ token: 'jwt', expiresAt: 1 });
    expect(seen[0]!.authorization).toBeUndefined();
    expect(JSON.parse(seen[0]!.body)).toEqual({ code: 'code1' });
    expect((await client.createKey('n', ['read'])).secret).toBe('wa_secret');
  });

  it('reports an unreachable gateway as a network ApiError', async () => {
    const client = new ApiClient({ baseUrl: 'http://127.0.0.1:1/api/v1', getToken: () => null });
    await expect(client.listSessions()).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});
