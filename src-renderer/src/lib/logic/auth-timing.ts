/** Login link parsing and token renewal timing (pure parts of the auth module). */

/** The one-time code of a `#login=<code>` fragment, or null. Other fragment parameters are ignored. */
export function loginCodeFromHash(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of fragment.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq) !== 'login') continue;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return null;
    }
    return value.trim() === '' ? null : value.trim();
  }
  return null;
}

/** The fragment with the login code removed (so reloads and copied URLs do not carry a spent code). */
export function hashWithoutLogin(hash: string): string {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const kept = fragment.split('&').filter((p) => p !== '' && !p.startsWith('login='));
  return kept.length ? `#${kept.join('&')}` : '';
}

/** Accepts expiresAt in epoch ms, epoch seconds, or an ISO string; returns epoch ms (NaN if unusable). */
export function normalizeExpiry(expiresAt: unknown): number {
  if (typeof expiresAt === 'number') return expiresAt < 1e12 ? expiresAt * 1000 : expiresAt;
  if (typeof expiresAt === 'string') {
    const asNumber = Number(expiresAt);
    if (Number.isFinite(asNumber)) return normalizeExpiry(asNumber);
    return Date.parse(expiresAt);
  }
  return Number.NaN;
}

/**
 * How long to wait before renewing a token: at 80% of its remaining life, but at least a minute before expiry
 * when the life allows it, never sooner than 5 s (avoids a hot loop on a clock skew), and 0 if already expired.
 */
export function renewalDelay(expiresAtMs: number, now: number): number {
  if (!Number.isFinite(expiresAtMs)) return 60_000;
  const remaining = expiresAtMs - now;
  if (remaining <= 0) return 0;
  const byFraction = remaining * 0.8;
  const byMargin = remaining - 60_000;
  const delay = byMargin > 0 ? Math.min(byFraction, byMargin) : remaining / 2;
  return Math.max(Math.min(5_000, remaining / 2), delay);
}

/** Reconnect backoff for the realtime socket: 1 s, 2 s, 4 s ... capped at 15 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, Math.min(10, attempt)));
}
