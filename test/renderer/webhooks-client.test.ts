/** The renderer's webhook calls (src-renderer/src/lib/api/client.ts) against a real HTTP server: paths, methods, bodies. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src-renderer/src/lib/api/client.js';
import { ApiError } from '../../src-renderer/src/lib/api/errors.js';

let server: Server;
let base: string;
const seen: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body });
      if (req.url!.includes('wh_disabled')) {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'conflict', message: 'webhook endpoint is disabled; enable it first', details: {} } }));
        return;
      }
      const status = req.method === 'DELETE' ? 204 : req.method === 'POST' && req.url === '/api/v1/webhooks' ? 201 : 200;
      res.writeHead(status, status === 204 ? {} : { 'content-type': 'application/json' });
      res.end(status === 204 ? '' : JSON.stringify(req.url!.startsWith('/api/v1/webhooks?') || req.url === '/api/v1/webhooks' ? { data: [], nextCursor: null } : { id: 'x' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ApiClient webhooks', () => {
  it('calls the documented routes with colon actions, PATCH bodies and cursor paging', async () => {
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    expect(await client.listWebhooks()).toEqual([]);
    await client.createWebhook({ url: 'https://example.com/h', events: ['message'], sessions: null, description: null });
    await client.updateWebhook('wh_1', { enabled: false });
    await client.rotateWebhookSecret('wh_1');
    await client.testWebhook('wh_1');
    await client.listWebhookDeliveries('wh_1', { limit: 20, cursor: 'a/b=' });
    await client.retryWebhookDelivery('wh_1', 'whd_2');
    await client.deleteWebhook('wh_1');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v1/webhooks',
      'POST /api/v1/webhooks',
      'PATCH /api/v1/webhooks/wh_1',
      'POST /api/v1/webhooks/wh_1:rotate-secret',
      'POST /api/v1/webhooks/wh_1:test',
      'GET /api/v1/webhooks/wh_1/deliveries?limit=20&cursor=a%2Fb%3D',
      'POST /api/v1/webhooks/wh_1/deliveries/whd_2:retry',
      'DELETE /api/v1/webhooks/wh_1',
    ]);
    expect(JSON.parse(seen[1]!.body)).toEqual({ url: 'https://example.com/h', events: ['message'], sessions: null, description: null });
    expect(JSON.parse(seen[2]!.body)).toEqual({ enabled: false });
  });

  it('surfaces the gateway\'s error message (409 on a disabled endpoint)', async () => {
    const client = new ApiClient({ baseUrl: base, getToken: () => 't' });
    const err = await client.testWebhook('wh_disabled').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
    expect((err as ApiError).message).toMatch(/enable it first/);
  });
});
