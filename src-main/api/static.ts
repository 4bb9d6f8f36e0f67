/** Serving files from a directory (the built UI, the bundled API docs assets) without escaping it. */
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { ApiContext } from './state.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Sends root/relPath if it is a file inside root; returns false otherwise. */
export function sendFile(ctx: ApiContext, root: string, relPath: string, cacheSeconds = 0): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relPath);
  } catch {
    return false;
  }
  if (decoded.includes('\0')) return false;
  const base = resolve(root);
  const file = resolve(join(base, normalize(decoded)));
  if (file !== base && !file.startsWith(base + sep)) return false;
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return false;
    size = st.size;
  } catch {
    return false;
  }
  ctx.status = 200;
  ctx.type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  ctx.length = size;
  ctx.set('Cache-Control', cacheSeconds > 0 ? `public, max-age=${cacheSeconds}, immutable` : 'no-cache');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.body = createReadStream(file);
  return true;
}
