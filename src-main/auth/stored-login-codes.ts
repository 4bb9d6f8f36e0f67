/**
 * Login codes issued by another process (`wagw login-link` next to a running `wagw serve`): kept as SHA-256
 * hashes with their expiry in the store's meta table, so the running gateway can accept them. Single use
 * and short-lived like the in-memory ones (login-codes.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { DEFAULT_LOGIN_CODE_TTL_MS, type LoginCodes } from './login-codes.js';

const META_KEY = 'login_link_codes';
const CODE_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STORED = 20;

export interface MetaStore {
  meta: { get(key: string): string | undefined; set(key: string, value: string): void };
  transaction<T>(fn: () => T): T;
}

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

function load(store: MetaStore, t: number): Record<string, number> {
  let codes: Record<string, number> = {};
  try {
    codes = JSON.parse(store.meta.get(META_KEY) ?? '{}') as Record<string, number>;
  } catch {
    codes = {};
  }
  return Object.fromEntries(Object.entries(codes).filter(([, exp]) => typeof exp === 'number' && exp > t));
}

/** A fresh one-time code stored for the gateway that owns this data dir. */
export function issueStoredLoginCode(store: MetaStore, now: number = Date.now(), ttlMs = DEFAULT_LOGIN_CODE_TTL_MS): string {
  const code = randomBytes(32).toString('base64url');
  store.transaction(() => {
    const entries = Object.entries(load(store, now)).sort((a, b) => a[1] - b[1]).slice(-(MAX_STORED - 1));
    entries.push([hashCode(code), now + ttlMs]);
    store.meta.set(META_KEY, JSON.stringify(Object.fromEntries(entries)));
  });
  return code;
}

/** The gateway's login codes, also accepting (once) codes issued by issueStoredLoginCode. */
export function withStoredLoginCodes(inner: LoginCodes, store: MetaStore, now: () => number = Date.now): LoginCodes {
  return {
    issue: () => inner.issue(),
    size: () => inner.size(),
    consume(code) {
      if (inner.consume(code)) return true;
      if (typeof code !== 'string' || !CODE_SHAPE.test(code)) return false;
      const hash = hashCode(code);
      return store.transaction(() => {
        const t = now();
        const codes = load(store, t);
        const raw = store.meta.get(META_KEY);
        const found = hash in codes;
        delete codes[hash];
        if (found || raw !== undefined) store.meta.set(META_KEY, JSON.stringify(codes));
        return found;
      });
    },
  };
}
