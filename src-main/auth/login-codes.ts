/**
 * One-time login codes for the headless browser login link (`wagw serve` prints a URL carrying a code;
 * opening it exchanges the code for a login JWT).
 *
 * Codes are kept only as SHA-256 hashes in a map: consume() is a hash lookup, so its timing does not
 * depend on how many leading characters of a guess are right, and a heap dump shows no usable code.
 */
import { createHash, randomBytes } from 'node:crypto';

export const DEFAULT_LOGIN_CODE_TTL_MS = 10 * 60_000;
/** Outstanding codes kept at most; issuing more drops the oldest (each issue() is a deliberate act). */
export const MAX_OUTSTANDING_LOGIN_CODES = 100;
const CODE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface LoginCodesOptions {
  now?: () => number;
  ttlMs?: number;
  maxOutstanding?: number;
}

export interface LoginCodes {
  /** A fresh code: 32 random bytes, base64url (43 chars). */
  issue(): string;
  /** True exactly once for a code that was issued and has not expired; false for anything else. */
  consume(code: unknown): boolean;
  /** Codes currently outstanding (expired ones are dropped first). */
  size(): number;
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export function createLoginCodes(options: LoginCodesOptions = {}): LoginCodes {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? DEFAULT_LOGIN_CODE_TTL_MS;
  const maxOutstanding = options.maxOutstanding ?? MAX_OUTSTANDING_LOGIN_CODES;
  // hash -> expiresAt; Map iteration is insertion order, i.e. oldest first.
  const codes = new Map<string, number>();

  function dropExpired(t: number): void {
    for (const [hash, expiresAt] of codes) {
      if (expiresAt <= t) codes.delete(hash);
    }
  }

  return {
    issue() {
      const t = now();
      dropExpired(t);
      while (codes.size >= maxOutstanding) {
        const oldest = codes.keys().next().value;
        if (oldest === undefined) break;
        codes.delete(oldest);
      }
      const code = randomBytes(32).toString('base64url');
      codes.set(hashCode(code), t + ttlMs);
      return code;
    },

    consume(code) {
      if (typeof code !== 'string' || !CODE_SHAPE.test(code)) return false;
      const hash = hashCode(code);
      const expiresAt = codes.get(hash);
      if (expiresAt === undefined) return false;
      // Single use: gone whether it was still valid or had expired.
      codes.delete(hash);
      return now() < expiresAt;
    },

    size() {
      dropExpired(now());
      return codes.size;
    },
  };
}
