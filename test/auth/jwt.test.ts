import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokenService, looksLikeJwt, type TokenService } from '../../src-main/auth/jwt.js';
import { ValidationError } from '../../src-main/core/errors.js';
import { openStore, type Store } from '../../src-main/store/index.js';
import { tempStore } from './helpers.js';

const ISSUER = 'http://127.0.0.1:7480';
const AUDIENCE = 'wagw-api';
const T0 = 1_700_000_000_000;

/** Signs arbitrary claims with the store's own private key (what a forger with our key could do). */
async function signWithStoredKey(store: Store, claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const row = store.signingKeys.latest()!;
  const key = (await importJWK(JSON.parse(row.private_jwk) as JWK, 'EdDSA')) as CryptoKey;
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: row.kid, ...header }).sign(key);
}

function unsigned(header: object, claims: object): string {
  const enc = (o: object) => base64url.encode(JSON.stringify(o));
  return `${enc(header)}.${enc(claims)}.`;
}

describe('looksLikeJwt', () => {
  it('tells JWT-shaped strings from API keys and junk', () => {
    expect(looksLikeJwt('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).toBe(true);
    expect(looksLikeJwt('wa_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a+b.c.d')).toBe(false);
    expect(looksLikeJwt(null)).toBe(false);
  });
});

describe('createTokenService (own keys)', () => {
  let t: ReturnType<typeof tempStore>;
  let clock: number;
  const now = () => clock;
  let svc: TokenService;

  beforeEach(async () => {
    t = tempStore();
    clock = T0;
    svc = await createTokenService({ store: t.store, issuer: ISSUER, audience: AUDIENCE, now });
  });
  afterEach(() => t.cleanup());

  it('mints an EdDSA token with kid and the contract claims, and verifies it to a user principal', async () => {
    const token = await svc.mint({ sub: 'user_1', organizationId: t.orgId, role: 'member' });
    expect(looksLikeJwt(token)).toBe(true);
    const [h, p] = token.split('.') as [string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', kid: t.store.signingKeys.latest()!.kid, typ: 'JWT' });
    expect(claims).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user_1',
      org: t.orgId,
      role: 'member',
      iat: T0 / 1000,
      exp: T0 / 1000 + 900,
    });
    expect(await svc.verify(token)).toEqual({
      kind: 'user',
      subject: 'user_1',
      organizationId: t.orgId,
      role: 'member',
      capabilities: ['read', 'send'],
    });
    const owner = await svc.verify(await svc.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' }));
    expect(owner?.capabilities).toEqual(['read', 'send', 'manage']);
    expect(svc.external).toBe(false);
  });

  it('honours the TTL with a small clock tolerance', async () => {
    const token = await svc.mint({ sub: 'u', organizationId: t.orgId, role: 'admin' }, 60);
    clock = T0 + 60_000 + 4_000;
    expect(await svc.verify(token)).not.toBeNull();
    clock = T0 + 60_000 + 6_000;
    expect(await svc.verify(token)).toBeNull();
    clock = T0 + 30_000;
    expect(await svc.verify(token)).not.toBeNull();
  });

  it('rejects bad mint input', async () => {
    await expect(svc.mint({ sub: '', organizationId: t.orgId, role: 'owner' })).rejects.toThrow(ValidationError);
    await expect(svc.mint({ sub: 'u', organizationId: '', role: 'owner' })).rejects.toThrow(ValidationError);
    await expect(svc.mint({ sub: 'u', organizationId: t.orgId, role: 'root' as never })).rejects.toThrow(ValidationError);
    await expect(svc.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' }, 0)).rejects.toThrow(ValidationError);
    await expect(svc.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' }, 1.5)).rejects.toThrow(ValidationError);
  });

  it('rejects a token signed by another key, with or without our kid', async () => {
    const other = await generateKeyPair('EdDSA');
    const claims = { sub: 'u', org: t.orgId, role: 'owner', iss: ISSUER, aud: AUDIENCE, exp: T0 / 1000 + 600 };
    const kid = t.store.signingKeys.latest()!.kid;
    const withOurKid = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid }).sign(other.privateKey);
    const withOwnKid = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'x' }).sign(other.privateKey);
    const noKid = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA' }).sign(other.privateKey);
    expect(await svc.verify(withOurKid)).toBeNull();
    expect(await svc.verify(withOwnKid)).toBeNull();
    expect(await svc.verify(noKid)).toBeNull();
    // Control: the same claims signed with our key pass, so the rejections above are about the key.
    expect(await signWithStoredKey(t.store, claims).then((x) => svc.verify(x))).not.toBeNull();
  });

  it('rejects alg none and other algorithms than the pinned one', async () => {
    const claims = { sub: 'u', org: t.orgId, role: 'owner', iss: ISSUER, aud: AUDIENCE, exp: T0 / 1000 + 600 };
    const kid = t.store.signingKeys.latest()!.kid;
    expect(await svc.verify(unsigned({ alg: 'none', typ: 'JWT' }, claims))).toBeNull();
    expect(await svc.verify(unsigned({ alg: 'none', kid }, claims))).toBeNull();
    // HS256 keyed with our public key bytes (the classic key-confusion forgery).
    const publicX = (t.store.signingKeys.latest() && JSON.parse(t.store.signingKeys.latest()!.public_jwk).x) as string;
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .sign(new TextEncoder().encode(publicX));
    expect(await svc.verify(hs)).toBeNull();
    // A valid EdDSA signature under a header that claims another alg.
    const real = await svc.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' });
    const [, payload, sig] = real.split('.');
    const relabelled = `${base64url.encode(JSON.stringify({ alg: 'ES256', kid }))}.${payload}.${sig}`;
    expect(await svc.verify(relabelled)).toBeNull();
  });

  it('rejects wrong issuer, wrong audience, missing exp, missing or bad org/role/sub', async () => {
    const base = { sub: 'u', org: t.orgId, role: 'owner', iss: ISSUER, aud: AUDIENCE, exp: T0 / 1000 + 600 };
    const verifyClaims = async (claims: Record<string, unknown>) => svc.verify(await signWithStoredKey(t.store, claims));
    expect(await verifyClaims(base)).not.toBeNull();
    expect(await verifyClaims({ ...base, iss: 'http://evil' })).toBeNull();
    expect(await verifyClaims({ ...base, aud: 'other-api' })).toBeNull();
    const { exp: _exp, ...noExp } = base;
    expect(await verifyClaims(noExp)).toBeNull();
    const { org: _org, ...noOrg } = base;
    expect(await verifyClaims(noOrg)).toBeNull();
    expect(await verifyClaims({ ...base, org: '' })).toBeNull();
    expect(await verifyClaims({ ...base, org: 7 })).toBeNull();
    const { role: _role, ...noRole } = base;
    expect(await verifyClaims(noRole)).toBeNull();
    expect(await verifyClaims({ ...base, role: 'superuser' })).toBeNull();
    const { sub: _sub, ...noSub } = base;
    expect(await verifyClaims(noSub)).toBeNull();
    expect(await verifyClaims({ ...base, exp: T0 / 1000 - 60 })).toBeNull();
    expect(await verifyClaims({ ...base, nbf: T0 / 1000 + 60 })).toBeNull();

    // A service with another issuer/audience on the same key does not accept ours, and vice versa.
    const other = await createTokenService({ store: t.store, issuer: 'http://other', audience: AUDIENCE, now });
    const fromOther = await other.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' });
    expect(await svc.verify(fromOther)).toBeNull();
    expect(await other.verify(fromOther)).not.toBeNull();
    const otherAud = await createTokenService({ store: t.store, issuer: ISSUER, audience: 'x', now });
    expect(await svc.verify(await otherAud.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' }))).toBeNull();
  });

  it('never throws on junk input', async () => {
    for (const junk of [undefined, null, 42, {}, '', 'abc', 'a.b.c', '..', 'eyJ.eyJ.', 'x'.repeat(10_000) + '.a.b']) {
      await expect(svc.verify(junk)).resolves.toBeNull();
    }
    const real = await svc.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' });
    await expect(svc.verify(real.slice(0, -2))).resolves.toBeNull();
    await expect(svc.verify(real + 'A')).resolves.toBeNull();
  });

  it('publishes a JWKS with public keys only, carrying kid, alg and use', async () => {
    const jwks = svc.jwks();
    expect(jwks.keys).toHaveLength(1);
    const [k] = jwks.keys;
    expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: t.store.signingKeys.latest()!.kid });
    expect(typeof k!.x).toBe('string');
    expect(k).not.toHaveProperty('d');
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    // The stored private JWK does have "d", so the assertion above is about filtering, not absence.
    expect(JSON.parse(t.store.signingKeys.latest()!.private_jwk)).toHaveProperty('d');
    // A mutation of the returned object does not leak into the service.
    (jwks.keys[0] as Record<string, unknown>).d = 'oops';
    expect(svc.jwks().keys[0]).not.toHaveProperty('d');
  });
});

describe('signing key persistence', () => {
  it('generates the key once and reuses it after reopening the same file; old tokens stay valid', async () => {
    const t = tempStore();
    try {
      const first = await createTokenService({ store: t.store, issuer: ISSUER, audience: AUDIENCE });
      const token = await first.mint({ sub: 'u', organizationId: t.orgId, role: 'admin' });
      const kid = t.store.signingKeys.latest()!.kid;
      t.store.close();

      const reopened = openStore(t.file);
      try {
        const second = await createTokenService({ store: reopened, issuer: ISSUER, audience: AUDIENCE });
        expect(reopened.signingKeys.all()).toHaveLength(1);
        expect(reopened.signingKeys.latest()!.kid).toBe(kid);
        expect(await second.verify(token)).toMatchObject({ kind: 'user', subject: 'u', role: 'admin' });
        const again = await second.mint({ sub: 'u', organizationId: t.orgId, role: 'admin' });
        expect(JSON.parse(Buffer.from(again.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
        expect(second.jwks()).toEqual(first.jwks());
      } finally {
        reopened.close();
      }
    } finally {
      t.cleanup();
    }
  });

  it('two services started at once on one store end up with a single key', async () => {
    const t = tempStore();
    try {
      const [a, b] = await Promise.all([
        createTokenService({ store: t.store, issuer: ISSUER, audience: AUDIENCE }),
        createTokenService({ store: t.store, issuer: ISSUER, audience: AUDIENCE }),
      ]);
      expect(t.store.signingKeys.all()).toHaveLength(1);
      expect(await b.verify(await a.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' }))).not.toBeNull();
      expect(await a.verify(await b.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' }))).not.toBeNull();
    } finally {
      t.cleanup();
    }
  });
});

describe('external JWKS mode', () => {
  const EXT_ISS = 'https://login.example.test';
  const EXT_AUD = 'whatsapp-gateway';
  let t: ReturnType<typeof tempStore>;
  let server: Server;
  let jwksUrl: string;
  let extKey: CryptoKey;
  let requests: number;

  beforeEach(async () => {
    t = tempStore();
    requests = 0;
    const pair = await generateKeyPair('ES256');
    extKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'ext-1', alg: 'ES256', use: 'sig' };
    server = createServer((req, res) => {
      requests++;
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    t.cleanup();
  });

  const extToken = (claims: Record<string, unknown>, alg = 'ES256', kid = 'ext-1') =>
    new SignJWT({ org: 'org_1', role: 'member', ...claims })
      .setProtectedHeader({ alg, kid })
      .setIssuer(EXT_ISS)
      .setAudience(EXT_AUD)
      .setSubject('person@example.test')
      .setIssuedAt()
      .setExpirationTime('5m');

  it('accepts tokens from the external JWKS with its issuer and audience, and only those', async () => {
    const svc = await createTokenService({
      store: t.store,
      issuer: ISSUER,
      audience: AUDIENCE,
      external: { jwksUrl, issuer: EXT_ISS, audience: EXT_AUD },
    });
    expect(svc.external).toBe(true);
    const good = await extToken({}).sign(extKey);
    expect(await svc.verify(good)).toEqual({
      kind: 'user',
      subject: 'person@example.test',
      organizationId: 'org_1',
      role: 'member',
      capabilities: ['read', 'send'],
    });
    expect(requests).toBeGreaterThanOrEqual(1);

    expect(await svc.verify(await extToken({}).setAudience('someone-else').sign(extKey))).toBeNull();
    expect(await svc.verify(await extToken({}).setIssuer('https://evil.test').sign(extKey))).toBeNull();
    expect(await svc.verify(await extToken({ role: 'root' }).sign(extKey))).toBeNull();
    expect(await svc.verify(await extToken({ org: undefined }).sign(extKey))).toBeNull();
    const stranger = await generateKeyPair('ES256');
    expect(await svc.verify(await extToken({}).sign(stranger.privateKey))).toBeNull();
    expect(await svc.verify(unsigned({ alg: 'none', kid: 'ext-1' }, { sub: 'x', org: 'org_1', role: 'owner', iss: EXT_ISS, aud: EXT_AUD, exp: 9e9 }))).toBeNull();

    // Our own tokens are not accepted while an external login is configured (documented choice).
    const own = await svc.mint({ sub: 'u', organizationId: t.orgId, role: 'owner' });
    expect(await svc.verify(own)).toBeNull();
    const ownMode = await createTokenService({ store: t.store, issuer: ISSUER, audience: AUDIENCE });
    expect(await ownMode.verify(own)).not.toBeNull();
    expect(await ownMode.verify(good)).toBeNull();
  });

  it('answers null (does not throw) when the JWKS cannot be fetched', async () => {
    const svc = await createTokenService({
      store: t.store,
      issuer: ISSUER,
      audience: AUDIENCE,
      external: { jwksUrl: jwksUrl.replace('/.well-known/jwks.json', '/missing'), issuer: EXT_ISS, audience: EXT_AUD },
    });
    await expect(svc.verify(await extToken({}).sign(extKey))).resolves.toBeNull();
    expect(requests).toBe(1);
  });
});
