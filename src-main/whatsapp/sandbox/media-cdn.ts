/**
 * The sandbox's stand-in for WhatsApp's media CDN: a plain HTTP server on 127.0.0.1 (port 0 = any free one)
 * that serves encrypted media blobs by path, exactly what `downloadContentFromMessage` fetches when a
 * message carries `url: http://127.0.0.1:<port>/...` and no `directPath` (docs/BAILEYS.md section 7).
 *
 * Switches for the paths the product must survive:
 * - `expire(path)`: the path answers 404 (as the CDN does once media is old) until `reupload(path)` moves the
 *   blob to a new path, as the phone's re-upload does (a new directPath/url).
 * - `hold(path, afterBytes)`: the answer stops after that many bytes and waits until `release()`, so a test
 *   can kill a downloader mid-file.
 * - `replace(path, bytes)`: serve other bytes under the same path (a tampered blob).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SandboxMediaCdn {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Stores bytes under a path (must start with '/'); returns the full URL. */
  put(path: string, bytes: Buffer): string;
  /** The path serves its blob now (known and not expired). */
  has(path: string): boolean;
  /** A blob was ever stored under this path (expired or not): the phone still has it to re-upload. */
  hasBlob(path: string): boolean;
  /** Serve other bytes under an existing path. */
  replace(path: string, bytes: Buffer): void;
  /** The path answers 404 from now on. */
  expire(path: string): void;
  /** The phone uploaded it again: the blob moves to a fresh path (returned as a full URL); the old one stays 404. */
  reupload(path: string): string;
  /** Answers for this path stop after `afterBytes` bytes until release() (or close()). */
  hold(path: string, afterBytes: number): void;
  release(): void;
  /** Requests seen per path (including 404s), for assertions. */
  hits(path: string): number;
  close(): Promise<void>;
}

export interface StartSandboxMediaCdnOptions {
  /** Port to try first (the one an earlier run used, so URLs stored then still work); falls back to any free one. */
  preferredPort?: number | undefined;
}

export async function startSandboxMediaCdn(options: StartSandboxMediaCdnOptions = {}): Promise<SandboxMediaCdn> {
  const blobs = new Map<string, Buffer>();
  const expired = new Set<string>();
  const held = new Map<string, number>();
  const hitCount = new Map<string, number>();
  let waiting: (() => void)[] = [];
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hitCount.set(path, (hitCount.get(path) ?? 0) + 1);
    const blob = blobs.get(path);
    if (req.method !== 'GET' || !blob || expired.has(path)) {
      res.writeHead(req.method !== 'GET' ? 405 : 404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.length) });
    const stopAt = held.get(path);
    if (stopAt === undefined) {
      res.end(blob);
      return;
    }
    res.write(blob.subarray(0, Math.min(stopAt, blob.length)));
    waiting.push(() => res.end(blob.subarray(Math.min(stopAt, blob.length))));
  };

  const server: Server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve();
      });
    });
  const preferred = options.preferredPort;
  if (preferred && Number.isInteger(preferred) && preferred > 0 && preferred < 65536) {
    await listen(preferred).catch(() => listen(0));
  } else {
    await listen(0);
  }
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const check = (path: string) => {
    if (!path.startsWith('/')) throw new TypeError(`CDN path must start with '/': ${path}`);
  };

  return {
    origin,
    put(path, bytes) {
      check(path);
      blobs.set(path, bytes);
      expired.delete(path);
      return origin + path;
    },
    has: (path) => blobs.has(path) && !expired.has(path),
    hasBlob: (path) => blobs.has(path),
    replace(path, bytes) {
      if (!blobs.has(path)) throw new Error(`no blob at ${path}`);
      blobs.set(path, bytes);
    },
    expire(path) {
      if (!blobs.has(path)) throw new Error(`no blob at ${path}`);
      expired.add(path);
    },
    reupload(path) {
      const blob = blobs.get(path);
      if (!blob) throw new Error(`no blob at ${path}`);
      const fresh = `${path.replace(/\.enc$/, '')}-r${randomBytes(4).toString('hex')}.enc`;
      blobs.set(fresh, blob);
      return origin + fresh;
    },
    hold(path, afterBytes) {
      held.set(path, afterBytes);
    },
    release() {
      held.clear();
      const w = waiting;
      waiting = [];
      for (const fn of w) fn();
    },
    hits: (path) => hitCount.get(path) ?? 0,
    async close() {
      held.clear();
      waiting = [];
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
