import { isIP } from 'node:net';
import type { Middleware } from 'koa';
import type { ApiState } from '../state.js';

/** 127.0.0.1 and ::ffff:127.0.0.1 are one address; lower case for IPv6. */
export function normalizeAddress(address: string): string {
  const a = address.trim().toLowerCase();
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * The address of the client a request comes from. The peer of the TCP connection, unless that peer is one
 * of the trusted reverse proxies: then X-Forwarded-For is read from the right, skipping trusted proxies, and
 * the first other address is the client. A peer that is not a trusted proxy cannot set its address by
 * header (a forged X-Forwarded-For is ignored), and without trusted proxies forwarded headers are never read.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: ReadonlySet<string>,
): string {
  const direct = peer ? normalizeAddress(peer) : 'unknown';
  if (!trustedProxies.size || !trustedProxies.has(direct) || !forwardedFor) return direct;
  const hops = forwardedFor.split(',').map((h) => normalizeAddress(h)).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = hops[i]!;
    if (isIP(hop) === 0) return direct; // garbage: fall back to the proxy itself
    if (!trustedProxies.has(hop)) return hop;
  }
  return direct;
}

/** Sets ctx.state.clientAddress once per request (the failure limiter keys on it). */
export function clientAddressMiddleware(trustedProxies: readonly string[]): Middleware<ApiState> {
  const trusted = new Set(trustedProxies.map(normalizeAddress));
  return async (ctx, next) => {
    ctx.state.clientAddress = clientAddress(ctx.req.socket.remoteAddress, ctx.get('x-forwarded-for') || undefined, trusted);
    await next();
  };
}
