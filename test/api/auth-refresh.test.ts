/**
 * Staying signed in (issue 13): a login link gives a short-lived JWT plus a refresh token; each refresh token
 * works once and is replaced; a used one coming back revokes the whole sign-in; a sign-in ends 12 h unused and
 * 7 days after the link at most. Real gateway, real SQLite, real HTTP; time from the fake clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_IDLE_MS, REFRESH_MAX_MS } from '../../src-main/auth/refresh-tokens.js';
import { FakeClock } from '../helpers/clock.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const HOUR = 3600_000;

describe('browser sign-in with refresh tokens', () => {
  let g: TestGateway;
  const clock = new FakeClock(Date.now());

  beforeAll(async () => {
    g = await startTestGateway({ now: clock.now });
  });
  afterAll(async () => g.close());

  async function login() {
    const code = decodeURIComponent(g.gateway.createLoginLink().split('#login=')[1]!);
    const res = await g.req('POST', '/api/v1/auth/login', { body: { code } });
    expect(res.status).toBe(200);
    return res.body as { token: string; expiresAt: number; refreshToken: string; refreshExpiresAt: number };
  }
  const refresh = (refreshToken: unknown) => g.req('POST', '/api/v1/auth/refresh', { body: { refreshToken } });

  it('login answers a JWT and a refresh token; a refresh answers a working JWT and a NEW refresh token', async () => {
    const first = await login();
    expect(first.refreshToken).toMatch(/^wrt_[\w-]{43}$/);
    expect(first.refreshExpiresAt).toBe(clock.now() + REFRESH_IDLE_MS);
    clock.advance(10 * 60_000);
    const next = await refresh(first.refreshToken);
    expect(next.status).toBe(200);
    expect(next.headers['cache-control']).toBe('no-store');
    expect(next.body.refreshToken).not.toBe(first.refreshToken);
    expect(next.body.expiresAt).toBe(clock.now() + 15 * 60_000);
    expect((await g.req('GET', '/api/v1/sessions', { auth: next.body.token })).status).toBe(200);
    // Stored hashed: neither token is in the database.
    const rows = JSON.stringify(g.store.db.prepare('SELECT * FROM refresh_tokens').all());
    expect(rows).not.toContain(first.refreshToken.slice(4));
    expect(rows).not.toContain(next.body.refreshToken.slice(4));
  });

  it('a used refresh token is refused and revokes the whole sign-in (its successor too)', async () => {
    const first = await login();
    const second = (await refresh(first.refreshToken)).body;
    const third = (await refresh(second.refreshToken)).body;
    expect(third.refreshToken).toMatch(/^wrt_/);
    // Someone replays the first token (copied before it was used): refused, and the family is gone.
    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await refresh(third.refreshToken)).status).toBe(401);
    expect(g.logLines.some((l) => l.includes('a used refresh token came back'))).toBe(true);
    // Another sign-in is not affected.
    const other = await login();
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('a sign-in ends after 12 h unused, and after 7 days however active', async () => {
    const idle = await login();
    clock.advance(REFRESH_IDLE_MS - 1);
    const kept = await refresh(idle.refreshToken);
    expect(kept.status).toBe(200);
    clock.advance(REFRESH_IDLE_MS);
    expect((await refresh(kept.body.refreshToken)).status).toBe(401);

    const busy = await login();
    const startedAt = clock.now();
    let token = busy.refreshToken;
    let expiresAt = busy.refreshExpiresAt;
    while (clock.now() + 11 * HOUR < startedAt + REFRESH_MAX_MS) {
      clock.advance(11 * HOUR);
      const res = await refresh(token);
      expect(res.status).toBe(200);
      token = res.body.refreshToken;
      expiresAt = res.body.refreshExpiresAt;
      expect(expiresAt).toBeLessThanOrEqual(startedAt + REFRESH_MAX_MS);
    }
    expect(expiresAt).toBe(startedAt + REFRESH_MAX_MS);
    clock.advance(startedAt + REFRESH_MAX_MS - clock.now());
    expect((await refresh(token)).status).toBe(401);
  });

  it('bad refresh requests: unknown or malformed token 401, no body or extra fields 400, a JWT is no refresh token', async () => {
    const signedIn = await login();
    expect((await refresh(`wrt_${'A'.repeat(43)}`)).status).toBe(401);
    expect((await refresh('not a token')).status).toBe(401);
    expect((await refresh(signedIn.token)).status).toBe(401);
    expect((await g.req('POST', '/api/v1/auth/refresh', { auth: signedIn.token })).status).toBe(400);
    expect((await g.req('POST', '/api/v1/auth/refresh', { body: { refreshToken: signedIn.refreshToken, extra: 1 } })).status).toBe(400);
    expect((await g.req('POST', '/api/v1/auth/refresh', { body: {} })).status).toBe(400);
    // The refresh token is no API credential either.
    expect((await g.req('GET', '/api/v1/sessions', { auth: signedIn.refreshToken })).status).toBe(401);
    // ... and it still works once after all of the above.
    expect((await refresh(signedIn.refreshToken)).status).toBe(200);
  });
});
