import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { koaPath } from '../../src-main/api/openapi.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('the OpenAPI document', () => {
  let g: TestGateway;
  beforeAll(async () => {
    g = await startTestGateway();
  });
  afterAll(() => g.close());

  it('is OpenAPI 3.1 and documents every API.md row', async () => {
    expect(g.doc.openapi).toBe('3.1.0');
    const expected = [
      'get /sessions', 'post /sessions', 'get /sessions/{session}', 'delete /sessions/{session}',
      'post /sessions/{session}:start', 'post /sessions/{session}:stop', 'post /sessions/{session}:restart',
      'post /sessions/{session}:logout', 'get /sessions/{session}/qr', 'post /sessions/{session}/pairing-code',
      'get /sessions/{session}/me', 'get /sessions/{session}/chats', 'get /sessions/{session}/chats/{cid}/messages',
      'delete /sessions/{session}/chats/{cid}', 'put /sessions/{session}/chats/{cid}/presence',
      'post /sessions/{session}/chats/{cid}/read', 'get /sessions/{session}/channels',
      'get /sessions/{session}/channels/{jid}/messages', 'post /sessions/{session}/channels',
      'post /sessions/{session}/channels/{jid}:follow', 'post /sessions/{session}/messages', 'get /keys', 'post /keys',
      'delete /keys/{id}', 'post /realtime/ticket', 'get /openapi.json', 'get /docs', 'get /healthz',
      // issue 13: acting on messages
      'patch /sessions/{session}/chats/{cid}/messages/{id}', 'delete /sessions/{session}/chats/{cid}/messages/{id}',
      'post /sessions/{session}/chats/{cid}/messages/{id}:retry',
    ];
    const documented = Object.entries(g.doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    for (const e of expected) expect(documented).toContain(e);
  });

  it('every registered route is documented and every documented path is registered', () => {
    const { apiRouter, rootRouter } = getRouters(g);
    const registered = [
      ...apiRouter.stack.flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => `${m.toLowerCase()} ${l.path}`)),
      ...rootRouter.stack.flatMap((l) => l.methods.filter((m) => m !== 'HEAD').map((m) => `${m.toLowerCase()} ${l.path}`)),
    ].sort();
    const documented = Object.entries(g.doc.paths as Record<string, Record<string, { servers?: unknown }>>)
      .flatMap(([p, ops]) =>
        Object.entries(ops).map(([m, op]) => `${m} ${op.servers ? '' : '/api/v1'}${koaPath(p)}`),
      )
      .sort();
    expect(registered).toEqual(documented);
  });

  it('serves the rendered reference from bundled assets (no CDN)', async () => {
    const page = await g.req('GET', '/api/v1/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/https?:\/\//);
    const asset = await g.raw('GET', '/api/v1/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect((await g.raw('GET', '/api/v1/docs/assets/..%2F..%2Fpackage.json')).status).toBe(404);
  });
});

function getRouters(g: TestGateway) {
  const api = g.gateway.running()!.api;
  return { apiRouter: api.apiRouter, rootRouter: api.rootRouter };
}
