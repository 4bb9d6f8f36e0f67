/**
 * The browser's refresh token (issue 13): kept in sessionStorage so a reload of this tab stays signed in; gone
 * when the tab closes; never a cookie (nothing sends it by itself). Each use at POST /auth/refresh replaces it.
 * The gateway bounds its life (12 h idle, 7 days at most: src-main/auth/refresh-tokens.ts); the stored expiry
 * only saves a request that would be refused anyway.
 *
 * A duplicated tab copies sessionStorage: both tabs then hold one token, and when both renew, the gateway sees
 * a used token come back and ends that sign-in for both (what protects a stolen token). A new login link helps.
 */

export const REFRESH_STORAGE_KEY = 'wagw.refresh';

/** The part of the Web Storage API used here (tests pass a Map-backed one). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface StoredRefresh {
  token: string;
  /** Epoch ms after which the gateway refuses it. */
  expiresAt: number;
}

export class RefreshTokenStore {
  constructor(private readonly storage: KeyValueStorage | null) {}

  /** The stored refresh token if it may still work at `now`; a broken or expired entry is removed. */
  load(now: number): StoredRefresh | null {
    const raw = this.safe(() => this.storage?.getItem(REFRESH_STORAGE_KEY) ?? null, null);
    if (raw === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    const entry = parsed as Partial<StoredRefresh> | null;
    if (!entry || typeof entry.token !== 'string' || entry.token === '' || typeof entry.expiresAt !== 'number' || !(entry.expiresAt > now)) {
      this.clear();
      return null;
    }
    return { token: entry.token, expiresAt: entry.expiresAt };
  }

  /** Keeps the refresh token of a grant; a grant without one (the desktop app's) leaves storage alone. */
  save(grant: { refreshToken?: string | undefined; refreshExpiresAt?: number | undefined }): void {
    if (typeof grant.refreshToken !== 'string' || grant.refreshToken === '' || typeof grant.refreshExpiresAt !== 'number') return;
    const entry: StoredRefresh = { token: grant.refreshToken, expiresAt: grant.refreshExpiresAt };
    this.safe(() => this.storage?.setItem(REFRESH_STORAGE_KEY, JSON.stringify(entry)), undefined);
  }

  clear(): void {
    this.safe(() => this.storage?.removeItem(REFRESH_STORAGE_KEY), undefined);
  }

  /** Storage can throw (disabled, quota, sandboxed frame): then the tab simply does not survive a reload. */
  private safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch {
      return fallback;
    }
  }
}

/** The command that prints a fresh login link next to a running gateway (README "Staying signed in"). */
export const LOGIN_LINK_COMMAND = 'npm run wagw -- login-link';
export const LOGIN_LINK_COMMAND_INSTALLED = 'wagw login-link';
