/** <data-dir>/gateway.json (src-main/gateway/gateway-file.ts): how `wagw mcp` finds a running gateway. */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findRunningGateway, readGatewayFile, removeGatewayFile, writeGatewayFile } from '../../src-main/gateway/gateway-file.js';

describe('gateway.json', () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'wagw-gwfile-'));
    dirs.push(d);
    return d;
  };
  const healthz = async (status: number) => {
    const s = createServer((_req, res) => res.writeHead(status).end('{"status":"ok"}'));
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  };

  it('a live gateway that answers /healthz is found; removal only by its writer', async () => {
    const d = dir();
    const url = await healthz(200);
    writeGatewayFile(d, { url, apiBase: `${url}/api/v1` });
    expect(await findRunningGateway(d)).toMatchObject({ url, pid: process.pid });
    removeGatewayFile(d);
    expect(readGatewayFile(d)).toBeUndefined();
    expect(await findRunningGateway(d)).toBeUndefined();
    // Behind a TLS proxy: local processes still use the plain listener; the https public URL rides along.
    writeGatewayFile(d, { url, apiBase: `${url}/api/v1`, publicUrl: 'https://gw.example.com' });
    expect(await findRunningGateway(d)).toMatchObject({ url, publicUrl: 'https://gw.example.com' });
    removeGatewayFile(d);
    expect(readGatewayFile(d)).toBeUndefined();
  });

  it('not found: a dead pid, a /healthz that fails, nothing listening, or a malformed file', async () => {
    const d = dir();
    const url = await healthz(200);
    writeFileSync(join(d, 'gateway.json'), JSON.stringify({ url, apiBase: `${url}/api/v1`, pid: 2 ** 22 + 12345, startedAt: 1 }));
    expect(await findRunningGateway(d)).toBeUndefined();
    const failing = await healthz(500);
    writeGatewayFile(d, { url: failing, apiBase: `${failing}/api/v1` });
    expect(await findRunningGateway(d)).toBeUndefined();
    writeGatewayFile(d, { url: 'http://127.0.0.1:1', apiBase: 'http://127.0.0.1:1/api/v1' });
    expect(await findRunningGateway(d)).toBeUndefined();
    writeFileSync(join(d, 'gateway.json'), '{not json');
    expect(await findRunningGateway(d)).toBeUndefined();
    writeFileSync(join(d, 'gateway.json'), JSON.stringify({ url: 'file:///etc/passwd', apiBase: 'x', pid: process.pid }));
    expect(readGatewayFile(d)).toBeUndefined();
  });
});
