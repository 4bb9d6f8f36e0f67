import type { Db } from '../database.js';

/** One refresh token of a browser sign-in (auth/refresh-tokens.ts); only its SHA-256 is stored. */
export interface RefreshTokenRow {
  token_hash: string;
  family_id: string;
  organization_id: string;
  subject: string;
  role: string;
  family_started_at: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

export interface NewRefreshToken {
  tokenHash: string;
  familyId: string;
  organizationId: string;
  subject: string;
  role: string;
  familyStartedAt: number;
  now: number;
  expiresAt: number;
}

export type RefreshTokensRepository = ReturnType<typeof createRefreshTokensRepository>;

export function createRefreshTokensRepository(db: Db) {
  const insert = db.prepare(
    `INSERT INTO refresh_tokens (token_hash, family_id, organization_id, subject, role, family_started_at, created_at, expires_at)
     VALUES (@tokenHash, @familyId, @organizationId, @subject, @role, @familyStartedAt, @now, @expiresAt)`,
  );
  const get = db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?');
  const markUsed = db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL');
  const revokeFamily = db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL');
  const deleteExpired = db.prepare('DELETE FROM refresh_tokens WHERE expires_at <= ? OR family_started_at <= ?');
  return {
    insert(t: NewRefreshToken): void {
      insert.run(t);
    },
    get(tokenHash: string): RefreshTokenRow | undefined {
      return get.get(tokenHash) as RefreshTokenRow | undefined;
    },
    /** True when this call used the token (it was neither used nor revoked before). */
    markUsed(tokenHash: string, now: number): boolean {
      return markUsed.run(now, tokenHash).changes === 1;
    },
    revokeFamily(familyId: string, now: number): number {
      return revokeFamily.run(now, familyId).changes;
    },
    /** Drops tokens past their idle expiry and families started before `familyStartedBefore`. */
    deleteExpired(now: number, familyStartedBefore: number): number {
      return deleteExpired.run(now, familyStartedBefore).changes;
    },
  };
}
