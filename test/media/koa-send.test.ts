import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMediaFile, sendThumbnail } from '../../src-main/media/koa-send.js';
import { createSandboxMedia, type SandboxMedia } from '../../src-main/whatsapp/sandbox/media-assets.js';
import { tempFiles } from './helpers.js';

let media: SandboxMedia;
let server: Server;
let base: string;
let t: ReturnType<typeof tempFiles>;

beforeAll(async () => {
  media = await createSandboxMedia();
  t = tempFiles();
  const app = new Koa();
  app.use(async (ctx) => {
    const name = ctx.path.slice(1);
    if (name === 'thumb') return sendThumbnail(ctx, { bytes: media.assetFor('image', 0).fields.jpegThumbnail as Buffer, sha256: 'ab'.repeat(32) });
    const asset = media.assets.find((a) => a.name === name);
    if (!asset) return;
    if (!t.files.has(asset.sha256)) await t.files.write(Readable.from([asset.original]), { expectedSha256: asset.sha256 });
    const f = asset.fields as { mimetype: string; fileName?: string };
    sendMediaFile(ctx, t.files, { sha256: asset.sha256, size: asset.original.length, mimetype: f.mimetype, filename: f.fileName ?? null, kind: asset.kind });
  });
  server = createServer(app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await media.close();
  t.cleanup();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('serving a stored file over HTTP (Koa)', () => {
  it('200 with the bytes and every header of the contract', async () => {
    const asset = media.assetFor('image', 0);
    const res = await fetch(`${base}/${asset.name}`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(sha(body)).toBe(asset.sha256);
    expect(Object.fromEntries(['content-type', 'content-length', 'etag', 'accept-ranges', 'cache-control', 'x-content-type-options', 'content-security-policy', 'content-disposition'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'content-type': 'image/jpeg',
      'content-length': String(asset.original.length),
      etag: `"${asset.sha256}"`,
      'accept-ranges': 'bytes',
      'cache-control': 'private, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'content-disposition': 'inline',
    });
  });

  it('Range 0-99 is 206 with 100 bytes and the right Content-Range; a bad range is 416; If-None-Match is 304', async () => {
    const asset = media.assetFor('video', 0);
    const part = await fetch(`${base}/${asset.name}`, { headers: { Range: 'bytes=0-99' } });
    const bytes = Buffer.from(await part.arrayBuffer());
    expect(part.status).toBe(206);
    expect(bytes.length).toBe(100);
    expect(bytes.equals(asset.original.subarray(0, 100))).toBe(true);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${asset.original.length}`);
    const tail = await fetch(`${base}/${asset.name}`, { headers: { Range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(asset.original.subarray(-10))).toBe(true);
    const bad = await fetch(`${base}/${asset.name}`, { headers: { Range: `bytes=${asset.original.length}-` } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe(`bytes */${asset.original.length}`);
    const cached = await fetch(`${base}/${asset.name}`, { headers: { 'If-None-Match': `"${asset.sha256}"` } });
    expect(cached.status).toBe(304);
    expect((await cached.arrayBuffer()).byteLength).toBe(0);
  });

  it('a PDF is an attachment with filename*; HEAD has the headers and no body', async () => {
    const asset = media.assetFor('document', 0);
    const res = await fetch(`${base}/${asset.name}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="notes.pdf"; filename*=UTF-8''notes.pdf`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe(String(asset.original.length));
  });

  it('the thumbnail variant is a JPEG', async () => {
    const res = await fetch(`${base}/thumb`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(body.subarray(0, 3).toString('hex')).toBe('ffd8ff');
  });
});
