/**
 * The security policy of the desktop shell, as pure functions (no Electron calls here, so every rule is
 * unit-tested under plain Node). window.ts wires them into Electron.
 *
 * The threat model: the window shows content that comes from other people (WhatsApp messages, names, links).
 * If any of it ever executed as script, it must find no Node, no raw IPC, no way to navigate the privileged
 * window elsewhere, and no way to make the OS open a dangerous URL. Hence: sandbox + context isolation, a CSP
 * without unsafe-*, navigation pinned to the gateway's own origin, and a strict filter for external links.
 */
import type { WebPreferences } from 'electron';
import { API_BASE_ARG_PREFIX } from '../preload/api.js';

export interface WebPreferencesOptions {
  /** Absolute path of the built preload (out/preload/index.cjs); null for child windows (no bridge). */
  preloadPath: string | null;
  /** e.g. http://127.0.0.1:7480/api/v1; handed to the preload through additionalArguments. */
  apiBase: string | null;
  /** DevTools are for development builds only. */
  devTools: boolean;
}

/** The one place the renderer's privileges are decided. */
export function buildWebPreferences(options: WebPreferencesOptions): WebPreferences {
  const prefs: WebPreferences = {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // Middle-click opens links without going through will-navigate; window.open's handler still applies,
    // but there is no reason to keep the extra path open.
    disableBlinkFeatures: 'Auxclick',
    devTools: options.devTools,
  };
  if (options.preloadPath !== null) prefs.preload = options.preloadPath;
  if (options.apiBase !== null) prefs.additionalArguments = [`${API_BASE_ARG_PREFIX}${options.apiBase}`];
  return prefs;
}

/** Control characters, whitespace and backslashes: the URL parser silently drops or rewrites them, which is
 * how filters get bypassed (`java\tscript:`, `https://evil.com\@good.com`). A clean URL never contains them. */
const SUSPICIOUS_CHARS = /[\u0000-\u0020\u007f-\u009f\\]/;
const MAX_URL_LENGTH = 2048;

function parseStrict(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  if (SUSPICIOUS_CHARS.test(raw)) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * The gateway origin as `http://host:port`, or throws: main only ever passes the URL the gateway reported,
 * so anything else is a programming error worth failing loudly on.
 */
export function normalizeGatewayOrigin(gatewayUrl: string): string {
  const url = parseStrict(gatewayUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new Error(`not a gateway origin: ${JSON.stringify(gatewayUrl)}`);
  }
  return url.origin;
}

/** Same scheme, host and port as the gateway, and no credentials: the only place the window may be. */
export function isSameGatewayOrigin(raw: unknown, gatewayOrigin: string): boolean {
  const url = parseStrict(raw);
  if (!url) return false;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  return url.origin === normalizeGatewayOrigin(gatewayOrigin);
}

/** will-navigate / will-redirect / window.open: only the gateway's own pages. */
export function isAllowedNavigation(raw: unknown, gatewayOrigin: string): boolean {
  return isSameGatewayOrigin(raw, gatewayOrigin);
}

/**
 * IPC senders: only a frame currently showing the gateway's origin. A missing frame (navigated away or
 * destroyed while the message was in flight) is not trusted.
 */
export function isTrustedSender(frameUrl: string | null | undefined, gatewayOrigin: string): boolean {
  if (frameUrl === null || frameUrl === undefined) return false;
  return isSameGatewayOrigin(frameUrl, gatewayOrigin);
}

function ipv4Octets(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** Addresses a link from a chat message has no business making the browser visit: this machine and the LAN. */
function isNonPublicIpv4(octets: number[]): boolean {
  const [a = 0, b = 0] = octets;
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 || // loopback
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224 // multicast and reserved
  );
}

/**
 * Links the desktop shell hands to the OS browser (shell.openExternal). Links come from other people's
 * messages, so this is deliberately narrow:
 * - http(s) only (no javascript:, file:, data:, smb:, custom protocol handlers...);
 * - no user:password@ (used to disguise the real host: http://localhost@evil.com);
 * - no loopback / private / link-local addresses or localhost names (links must not poke this machine or
 *   the LAN, e.g. another local service's CSRF-able endpoint), in any spelling the URL parser normalises
 *   (2130706433, 0x7f.1, [::1]); IPv6 literals are refused outright;
 * - no hosts that imitate a local address (127.0.0.1.evil.com, localhost.evil.com);
 * - no punycode (xn--) labels: internationalised look-alike domains (homographs);
 * - no single-label hosts (intranet names).
 */
export function isSafeExternalUrl(raw: unknown): boolean {
  const url = parseStrict(raw);
  if (!url) return false;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === '') return false;
  if (host.startsWith('[')) return false;
  const octets = ipv4Octets(host);
  if (octets) return !isNonPublicIpv4(octets);
  if (host === 'localhost' || host.endsWith('.localhost')) return false;
  if (/^(localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\./.test(host)) return false;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  if (labels.some((label) => label === '' || label.startsWith('xn--'))) return false;
  // The top-level label of a real domain is alphabetic; an all-numeric one means an odd IP spelling.
  if (!/^[a-z]{2,63}$/.test(labels[labels.length - 1] ?? '')) return false;
  return true;
}

/**
 * The Content-Security-Policy of every response shown in the window. Scripts and styles only from the
 * gateway's own files (no inline, no eval), images also as data: URLs (QR codes) and images, audio and video
 * as blob: URLs (media fetched with the token, src-renderer/src/lib/state/media.svelte.ts), network only to the
 * gateway itself over HTTP and its realtime WebSocket, nothing framed, no plugins, no forms, no <base>.
 */
export function buildCsp(gatewayUrl: string): string {
  const origin = normalizeGatewayOrigin(gatewayUrl);
  const wsOrigin = origin.replace(/^http/, 'ws');
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['style-src', "'self'"],
    ['img-src', "'self' data: blob:"],
    ['font-src', "'self'"],
    ['media-src', "'self' blob:"],
    ['connect-src', `${origin} ${wsOrigin}`],
    ['worker-src', "'self'"],
    ['manifest-src', "'self'"],
    ['frame-src', "'none'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/**
 * Response headers with our CSP added. A CSP the server already sent is kept: several policies are all
 * enforced, so ours can only tighten, never loosen, what the gateway itself asks for.
 */
export function withCspHeader(
  headers: Record<string, string[] | string> | undefined,
  csp: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let cspKey: string | null = null;
  for (const [name, value] of Object.entries(headers ?? {})) {
    result[name] = Array.isArray(value) ? [...value] : [value];
    if (name.toLowerCase() === 'content-security-policy') cspKey = name;
  }
  if (cspKey === null) result['Content-Security-Policy'] = [csp];
  else result[cspKey]!.push(csp);
  return result;
}

/**
 * Permission requests (camera, microphone, notifications, geolocation, HID/USB, ...) are all refused, with one
 * exception: writing text to the clipboard from the gateway's own page ("copy API key"), which cannot leak
 * anything and which navigator.clipboard.writeText needs.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, gatewayOrigin: string): boolean {
  return permission === 'clipboard-sanitized-write' && isSameGatewayOrigin(requestingUrl, gatewayOrigin);
}
