/**
 * Who the gateway is and the secrets it keeps in its database: the default organization, the local owner's
 * subject, the cursor signing secret and the login-token service (its own Ed25519 key, or an external JWKS).
 * Each is created on first start and read back on every later one.
 */
import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { LOGIN_TOKEN_TTL_SECONDS } from '../api/resources/auth.js';
import { createTokenService, type TokenService } from '../auth/jwt.js';
import { createCursorCodec, type CursorCodec } from '../core/cursor.js';
import type { Store } from '../store/index.js';
import type { ExternalJwtConfig } from './config.js';

export const TOKEN_ISSUER = 'wagw-desktop';
export const TOKEN_AUDIENCE = 'wagw-api';

export interface GatewaySecrets {
  organizationId: string;
  /** The local owner's subject (`user_<ulid>`), the `sub` of the login tokens the gateway mints. */
  ownerSubject: string;
  cursors: CursorCodec;
  tokens: TokenService;
  /** The local owner, as the API sees the person using the desktop app or a login link. */
  owner(): { subject: string; organizationId: string };
  /** A fresh, short-lived login JWT for the local owner. */
  mintLoginToken(): Promise<string>;
}

export async function loadSecrets(
  store: Store,
  options: { externalJwt: ExternalJwtConfig | null; now: () => number },
): Promise<GatewaySecrets> {
  const { now } = options;
  const org = store.organizations.ensureDefault(ulid, now());
  const ownerSubject = store.meta.getOrCreate('owner_subject', () => `user_${ulid()}`);
  const cursors = createCursorCodec(store.meta.getOrCreate('cursor_secret', () => randomBytes(32).toString('base64url')));
  const tokens = await createTokenService({ store, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, external: options.externalJwt, now });
  return {
    organizationId: org.id,
    ownerSubject,
    cursors,
    tokens,
    owner: () => ({ subject: ownerSubject, organizationId: org.id }),
    mintLoginToken: () => tokens.mint({ sub: ownerSubject, organizationId: org.id, role: 'owner' }, LOGIN_TOKEN_TTL_SECONDS),
  };
}
