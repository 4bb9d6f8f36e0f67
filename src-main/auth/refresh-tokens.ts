/**
 * Refresh tokens: what keeps a browser signed in across reloads without a long-lived credential (issue 13).
 *
 * A login link gives a short-lived access JWT (api/resources/auth.ts, 15 minutes) and a refresh token. The UI
 * keeps the refresh token in sessionStorage (one tab, gone when the tab closes; never a cookie, so no request
 * carries it by itself) and trades it at POST /auth/refresh for a new JWT and a NEW refresh token: each token
 * works once (rotation). A sign-in is a family of tokens; presenting a token that was already used means two
 * parties hold it (a copy was stolen, or the real owner lost the race): the whole family is revoked and both
 * must sign in again with a new link.
 *
 * Lifetime, bounded twice:
 * - REFRESH_IDLE_MS: a sign-in nobody used for 12 hours ends (a page left closed overnight needs a new link, a
 *   working day with breaks does not);
 * - REFRESH_MAX_MS: however active, a sign-in ends 7 days after the link was opened, so a copied token is
 *   never good forever.
 *
 * Only SHA-256 hashes are stored (store/repositories/refresh-tokens.ts): the token has 256 random bits, so a
 * plain hash is enough (no slow KDF needed), and a database copy holds nothing usable.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type { Role } from '../core/types.js';
import type { RefreshTokensRepository } from '../store/repositories/refresh-tokens.js';

export const REFRESH_IDLE_MS = 12 * 3600_000;
export const REFRESH_MAX_MS = 7 * 24 * 3600_000;
const PREFIX = 'wrt_';
const TOKEN_SHAPE = /^wrt_[A-Za-z0-9_-]{43}$/;
const ROLES: readonly Role[] = ['owner', 'admin', 'member'];

export interface SignedInUser {
  subject: string;
  organizationId: string;
  role: Role;
}

export interface RefreshGrant {
  refreshToken: string;
  /** When this refresh token stops working if unused (epoch ms): the idle or the absolute limit. */
  refreshExpiresAt: number;
}

export interface RefreshTokens {
  /** A new sign-in (family) for this user. */
  issue(user: SignedInUser): RefreshGrant;
  /**
   * Uses a refresh token once: the user it belongs to and its successor, or null for an unknown, expired,
   * revoked or already used token (the last also revokes its whole family).
   */
  rotate(token: unknown): (RefreshGrant & { user: SignedInUser }) | null;
}

export interface RefreshTokensOptions {
  repo: RefreshTokensRepository;
  transaction<T>(fn: () => T): T;
  now?: () => number;
  /** Told when a used token came back and its family was revoked (the gateway logs it). */
  onReuse?: (familyId: string) => void;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createRefreshTokens(options: RefreshTokensOptions): RefreshTokens {
  const { repo } = options;
  const now = options.now ?? Date.now;

  function add(user: SignedInUser, familyId: string, familyStartedAt: number, t: number): RefreshGrant {
    const refreshToken = PREFIX + randomBytes(32).toString('base64url');
    const expiresAt = Math.min(t + REFRESH_IDLE_MS, familyStartedAt + REFRESH_MAX_MS);
    repo.insert({
      tokenHash: hashToken(refreshToken),
      familyId,
      organizationId: user.organizationId,
      subject: user.subject,
      role: user.role,
      familyStartedAt,
      now: t,
      expiresAt,
    });
    return { refreshToken, refreshExpiresAt: expiresAt };
  }

  return {
    issue(user) {
      const t = now();
      return options.transaction(() => {
        repo.deleteExpired(t, t - REFRESH_MAX_MS);
        return add(user, ulid(), t, t);
      });
    },

    rotate(token) {
      if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return null;
      const hash = hashToken(token);
      const t = now();
      return options.transaction(() => {
        const row = repo.get(hash);
        if (!row || row.revoked_at !== null) return null;
        if (row.used_at !== null) {
          repo.revokeFamily(row.family_id, t);
          options.onReuse?.(row.family_id);
          return null;
        }
        if (t >= row.expires_at || t >= row.family_started_at + REFRESH_MAX_MS) return null;
        if (!(ROLES as readonly string[]).includes(row.role)) return null;
        if (!repo.markUsed(hash, t)) return null;
        const user: SignedInUser = { subject: row.subject, organizationId: row.organization_id, role: row.role as Role };
        return { user, ...add(user, row.family_id, row.family_started_at, t) };
      });
    },
  };
}
