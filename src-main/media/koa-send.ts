/**
 * Writes a stored media file (or its embedded thumbnail) onto a Koa response, following the plan of
 * serve-headers.ts. The media route (api/resources, to come) calls `sendMediaFile` once the queue's
 * `resolve()` says 'ready', and `sendThumbnail` for `?variant=thumbnail`; the benchmark in
 * test/bench/media.ts measures exactly this path.
 *
 * The body is a read stream of only the planned byte range; Koa pipes it and destroys it if the client goes
 * away. HEAD gets the same status and headers without a body.
 */
import type { Context } from 'koa';
import type { FileStore } from './file-store.js';
import { planMediaResponse, planThumbnailResponse, type StoredMediaFile } from './serve-headers.js';

function requestHeaders(ctx: Context) {
  return {
    range: ctx.get('Range') || null,
    ifNoneMatch: ctx.get('If-None-Match') || null,
    ifRange: ctx.get('If-Range') || null,
  };
}

export function sendMediaFile(ctx: Context, files: FileStore, file: StoredMediaFile): void {
  const plan = planMediaResponse(file, requestHeaders(ctx));
  if (plan.status === 304 || plan.status === 416 || ctx.method === 'HEAD') {
    // Body first: Koa turns a null body into 204 unless the status is set after it.
    ctx.body = null;
    ctx.status = plan.status;
    ctx.set(plan.headers);
    return;
  }
  ctx.body = files.open(file.sha256, plan.range);
  ctx.status = plan.status;
  ctx.set(plan.headers);
  // Koa sets its own type/length for a stream body; the plan's values are the truth.
  ctx.set('Content-Type', plan.headers['Content-Type']!);
  ctx.set('Content-Length', plan.headers['Content-Length']!);
}

export function sendThumbnail(ctx: Context, thumb: { bytes: Buffer; sha256: string }): void {
  const plan = planThumbnailResponse(thumb.sha256, thumb.bytes.length, { ifNoneMatch: ctx.get('If-None-Match') || null });
  ctx.body = plan.status === 304 || ctx.method === 'HEAD' ? null : thumb.bytes;
  ctx.status = plan.status;
  ctx.set(plan.headers);
}
