/**
 * The gateway as the outside world sees it: a public URL (`--public-url https://gw.example.com`, set when a
 * TLS reverse proxy is in front) decides the Host allow-list, the allowed browser origins and every URL the
 * gateway prints or returns (login link, realtime ticket URL, docs link, OpenAPI server URL).
 * Pure functions; the composition root calls them once the listening port is known.
 */
import { isIP } from 'node:net';
import { loopbackHosts } from '../api/middleware/host-guard.js';

export class PublicUrlError extends Error {}

/**
 * Validates a public URL and returns its origin (scheme://host[:port], lower case, no trailing slash).
 * Only http(s), no credentials, path, query or fragment: the gateway serves at the root of its origin.
 */
export function parsePublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PublicUrlError(`public URL is not a URL: '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PublicUrlError(`public URL must start with https:// (or http://), got '${raw}'`);
  }
  if (url.username || url.password) throw new PublicUrlError('public URL must not carry a user name or password');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new PublicUrlError(`public URL must be an origin without a path, query or fragment, got '${raw}'`);
  }
  return url.origin.toLowerCase();
}

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and "localhost" (what only this machine can reach). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** True for 0.0.0.0 and :: (every address of the machine). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function hostPort(host: string, port: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${h}:${port}`.toLowerCase();
}

export interface Exposure {
  /** The listen address (--host). */
  host: string;
  /** The listening port (after port 0 resolved). */
  port: number;
  /** Origin from parsePublicUrl, or null. */
  publicUrl: string | null;
}

/**
 * The origin every printed or returned URL uses: the public URL when set, else http://<listen host>:<port>
 * (http://127.0.0.1:<port> for a wildcard listen address, which no browser can open).
 */
export function publicOrigin(e: Exposure): string {
  if (e.publicUrl) return e.publicUrl;
  return `http://${hostPort(isWildcardHost(e.host) ? '127.0.0.1' : e.host, e.port)}`;
}

/**
 * Host header values answered: the loopback names with our port, the listen address (unless it is a
 * wildcard) and the public URL's host (with and without its default port, as browsers omit it).
 */
export function allowedHostsFor(e: Exposure): string[] {
  const extra: string[] = [];
  if (!isWildcardHost(e.host) && e.host !== '127.0.0.1') extra.push(hostPort(e.host, e.port));
  if (e.publicUrl) {
    const url = new URL(e.publicUrl);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    extra.push(url.host, `${url.hostname}:${port}`);
  }
  return [...new Set(loopbackHosts(e.port, extra))];
}

/** Origins allowed for browser requests and the realtime socket. */
export function allowedOriginsFor(e: Exposure, extraOrigins: readonly string[]): string[] {
  const own = loopbackHosts(e.port, !isWildcardHost(e.host) && e.host !== '127.0.0.1' ? [hostPort(e.host, e.port)] : []).map(
    (h) => `http://${h}`,
  );
  return [...new Set([...own, ...(e.publicUrl ? [e.publicUrl] : []), ...extraOrigins.map((o) => o.toLowerCase())])];
}

/**
 * What is risky about an exposure, as sentences for a person (empty when nothing is): listening beyond
 * loopback without a public URL (requests by the server's name would be refused, links would not open), or
 * a public URL in clear text on a non-loopback name (login codes and tokens would cross the network unencrypted).
 */
export function exposureWarnings(e: Pick<Exposure, 'host' | 'publicUrl'>): string[] {
  const warnings: string[] = [];
  if (!isLoopbackHost(e.host) && !e.publicUrl) {
    warnings.push(
      `listening on ${e.host}, beyond this machine, without --public-url: requests by the server's name are refused (403) and printed links use ${e.host}; put a TLS reverse proxy in front and pass --public-url https://<its name>`,
    );
  }
  if (e.publicUrl && e.publicUrl.startsWith('http://') && !isLoopbackHost(new URL(e.publicUrl).hostname)) {
    warnings.push(
      `--public-url ${e.publicUrl} is plain http on a name other machines use: login codes, tokens and API keys cross the network unencrypted; use https:// behind a TLS reverse proxy`,
    );
  }
  return warnings;
}
