/**
 * Login JWTs: credentials for a person (API.md "Principals and capabilities").
 *
 * Our own authority signs with EdDSA (Ed25519). The key pair is generated on first start, stored as JWK in
 * the signing_keys table and reused on every later start, so tokens survive a restart. Its public half is
 * served as the JWKS at /.well-known/jwks.json.
 *
 * External mode (config `externalJwt` set): verify() accepts ONLY tokens signed by the external JWKS with
 * the external issuer and audience; tokens we mint ourselves are then rejected. Trusting both would give
 * anyone who can reach the desktop app's minting path a way around the external login the operator chose.
 * mint() keeps working (and jwks() keeps listing our key) so callers need no special case, but whatever
 * they mint is not accepted by verify() in that mode. External tokens must carry the same claims as ours:
 * `sub`, `org`, `role` (owner|admin|member) and `exp`.
 */
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ROLE_CAPABILITIES, type Principal, type Role } from '../core/types.js';
import { ValidationError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import type { ExternalJwtConfig } from '../gateway/config.js';

/** The one algorithm our own tokens use; verify() accepts nothing else for them (no `none`, no HS*). */
export const JWT_ALGORITHM = 'EdDSA';
/**
 * Algorithms accepted from an external JWKS: asymmetric only, so a public key can never be used as an
 * HMAC secret. jose additionally checks that each JWK's type fits the token's alg.
 */
export const DEFAULT_EXTERNAL_ALGORITHMS: readonly string[] = [
  'EdDSA',
  'Ed25519',
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
];
export const DEFAULT_TOKEN_TTL_SECONDS = 900;
/** Longest lifetime mint() accepts (30 days). */
export const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/** Allowed clock skew between the minting and the verifying clock. */
export const CLOCK_TOLERANCE_SECONDS = 5;
/** Anything longer is not one of our tokens; refuse before parsing. */
const MAX_TOKEN_LENGTH = 8192;
const ROLES: readonly Role[] = ['owner', 'admin', 'member'];

export interface TokenServiceOptions {
  store: Store;
  issuer: string;
  audience: string;
  external?: ExternalJwtConfig | null;
  /** Algorithms accepted from the external JWKS (default DEFAULT_EXTERNAL_ALGORITHMS). */
  externalAlgorithms?: readonly string[];
  now?: () => number;
}

export interface MintInput {
  sub: string;
  organizationId: string;
  role: Role;
}

export interface TokenService {
  mint(input: MintInput, ttlSeconds?: number): Promise<string>;
  /** The principal of a valid token, or null for anything else. Never throws. */
  verify(token: unknown): Promise<Principal | null>;
  /** Our public signing keys (no private parts), each with kid, alg and use. */
  jwks(): { keys: JWK[] };
  /** True when verify() trusts an external JWKS instead of our keys. */
  readonly external: boolean;
}

/** Three dot-separated base64url parts (the last may be empty, as in an unsigned token, which verify() rejects). */
export function looksLikeJwt(token: unknown): token is string {
  return typeof token === 'string' && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
}

/** Creates our key pair on first start; reuses the stored one afterwards. */
async function loadOrCreateSigningKey(store: Store, now: () => number): Promise<LoadedKey> {
  let row = store.signingKeys.latest();
  if (!row) {
    const { privateKey, publicKey } = await generateKeyPair(JWT_ALGORITHM, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: JWT_ALGORITHM };
    const publicWithMeta: JWK = { ...publicJwk, kid, alg: JWT_ALGORITHM, use: 'sig' };
    // Generation is async, the store is not: re-check inside the transaction so two starts racing on the
    // same file end up with one key (whoever inserted first wins, the other adopts it).
    row = store.transaction(() => {
      const existing = store.signingKeys.latest();
      if (existing) return existing;
      store.signingKeys.insert({
        kid,
        alg: JWT_ALGORITHM,
        privateJwk: JSON.stringify(privateJwk),
        publicJwk: JSON.stringify(publicWithMeta),
        now: now(),
      });
      return store.signingKeys.latest()!;
    });
  }
  if (row.alg !== JWT_ALGORITHM) {
    throw new Error(`stored signing key ${row.kid} uses ${row.alg}; this build signs with ${JWT_ALGORITHM}`);
  }
  const privateKey = await importJWK(JSON.parse(row.private_jwk) as JWK, JWT_ALGORITHM);
  if (privateKey instanceof Uint8Array) throw new Error(`stored signing key ${row.kid} is not an asymmetric key`);
  return { kid: row.kid, privateKey };
}

/** Public JWKs of every stored key (rotation-ready: older keys keep verifying), never a private member. */
function publicKeySet(store: Store): JWK[] {
  return store.signingKeys.all().map((r) => {
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, k: _k, ...pub } = JSON.parse(r.public_jwk) as JWK;
    return { ...pub, kid: r.kid, alg: r.alg, use: 'sig' };
  });
}

function principalFromClaims(payload: JWTPayload): Principal | null {
  const { sub, org, role } = payload as JWTPayload & { org?: unknown; role?: unknown };
  if (typeof sub !== 'string' || sub.length === 0) return null;
  if (typeof org !== 'string' || org.length === 0) return null;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  const r = role as Role;
  return { kind: 'user', subject: sub, organizationId: org, role: r, capabilities: ROLE_CAPABILITIES[r] };
}

export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { store, issuer, audience } = options;
  const now = options.now ?? Date.now;
  const external = options.external ?? null;
  const signingKey = await loadOrCreateSigningKey(store, now);
  const ownKeys = publicKeySet(store);

  let getKey: JWTVerifyGetKey;
  let verifyIssuer: string;
  let verifyAudience: string;
  let algorithms: string[];
  if (external) {
    getKey = createRemoteJWKSet(new URL(external.jwksUrl));
    verifyIssuer = external.issuer;
    verifyAudience = external.audience;
    algorithms = [...(options.externalAlgorithms ?? DEFAULT_EXTERNAL_ALGORITHMS)];
  } else {
    getKey = createLocalJWKSet({ keys: ownKeys });
    verifyIssuer = issuer;
    verifyAudience = audience;
    algorithms = [JWT_ALGORITHM];
  }

  return {
    external: external !== null,

    async mint(input, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS) {
      if (typeof input.sub !== 'string' || input.sub.length === 0) throw new ValidationError('sub is required');
      if (typeof input.organizationId !== 'string' || input.organizationId.length === 0) {
        throw new ValidationError('organizationId is required');
      }
      if (!ROLES.includes(input.role)) throw new ValidationError(`role must be one of ${ROLES.join(', ')}`);
      if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
        throw new ValidationError(`ttlSeconds must be an integer from 1 to ${MAX_TOKEN_TTL_SECONDS}`);
      }
      const iat = Math.floor(now() / 1000);
      return new SignJWT({ org: input.organizationId, role: input.role })
        .setProtectedHeader({ alg: JWT_ALGORITHM, kid: signingKey.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(input.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(signingKey.privateKey);
    },

    async verify(token) {
      if (!looksLikeJwt(token) || token.length > MAX_TOKEN_LENGTH) return null;
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms,
          issuer: verifyIssuer,
          audience: verifyAudience,
          requiredClaims: ['iss', 'aud', 'sub', 'exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
        });
        return principalFromClaims(payload);
      } catch {
        // Bad signature, unknown kid, wrong claims, expired, JWKS unreachable: all the same to the caller.
        return null;
      }
    },

    jwks() {
      return { keys: ownKeys.map((k) => ({ ...k })) };
    },
  };
}
