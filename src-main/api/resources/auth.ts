/**
 * Browser sign-in for the headless UI (ours): a one-time link code becomes a short-lived login JWT plus a
 * refresh token; the refresh token (single use, rotated) renews it, so a reload keeps the person signed in for
 * a bounded time (auth/refresh-tokens.ts). Neither is ever a cookie.
 */
import { RateLimitedError, UnauthorizedError } from '../../core/errors.js';
import type { SignedInUser } from '../../auth/refresh-tokens.js';
import { parseBody } from '../http.js';
import { ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import type { ApiContext } from '../state.js';
import { LoginBody, LoginGrantSchema, RefreshBody } from '../schemas.js';

/** Lifetime of a login JWT: short, because a refresh token (or the desktop app's IPC) renews it. */
export const LOGIN_TOKEN_TTL_SECONDS = 15 * 60;

export interface LoginSubject {
  subject: string;
  organizationId: string;
}

export function registerAuthRoutes(api: ApiRegistry, deps: ApiDeps, owner: () => LoginSubject): void {
  const grant = async (user: SignedInUser, refresh: { refreshToken: string; refreshExpiresAt: number }) => {
    const token = await deps.tokens.mint({ sub: user.subject, organizationId: user.organizationId, role: user.role }, LOGIN_TOKEN_TTL_SECONDS);
    const now = deps.now?.() ?? Date.now();
    return { token, expiresAt: now + LOGIN_TOKEN_TTL_SECONDS * 1000, ...refresh };
  };
  /** Failed attempts count against the same per-address limit as every other credential. */
  const limited = (ctx: ApiContext) => {
    const who = ctx.state.clientAddress ?? (ctx.ip || 'unknown');
    const limit = deps.authLimiter.check(who);
    if (limit.limited) throw new RateLimitedError('too many failed logins', limit.retryAfterSeconds);
    return who;
  };

  api.add({
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    summary: 'Exchange a one-time login code for a login JWT and a refresh token',
    description:
      'The code comes from the login link `wagw serve` or `wagw login-link` prints. Single use; expires after ' +
      '10 minutes. The answer also carries a refresh token for POST /auth/refresh.',
    tag: 'Auth',
    access: 'public',
    body: LoginBody,
    responses: {
      200: { description: 'A short-lived login JWT and its refresh token', schema: toSchema(LoginGrantSchema) },
      401: { description: 'unauthorized: unknown, used or expired code', schema: ref('Error') },
      429: { description: 'rate_limited: too many failed logins', schema: ref('Error') },
    },
    async handler(ctx) {
      const who = limited(ctx);
      const body = parseBody(ctx, LoginBody);
      if (!deps.loginCodes.consume(body.code)) {
        deps.authLimiter.fail(who);
        throw new UnauthorizedError();
      }
      const o = owner();
      const user: SignedInUser = { subject: o.subject, organizationId: o.organizationId, role: 'owner' };
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await grant(user, deps.refreshTokens.issue(user));
    },
  });

  api.add({
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refreshLogin',
    summary: 'Trade a refresh token for a new login JWT and a new refresh token',
    description:
      'Body `{refreshToken}`. Each refresh token works once; the answer carries its successor. A token that was ' +
      'already used revokes the whole sign-in (every token of it). A sign-in ends after 12 hours unused and 7 days ' +
      'after the login link at most. Unknown, used, revoked or expired -> 401.',
    tag: 'Auth',
    access: 'public',
    body: RefreshBody,
    responses: {
      200: { description: 'A fresh login JWT and the next refresh token', schema: toSchema(LoginGrantSchema) },
      401: { description: 'unauthorized: unknown, used, revoked or expired refresh token', schema: ref('Error') },
      429: { description: 'rate_limited: too many failed attempts', schema: ref('Error') },
    },
    async handler(ctx) {
      const who = limited(ctx);
      const body = parseBody(ctx, RefreshBody);
      const rotated = deps.refreshTokens.rotate(body.refreshToken);
      if (!rotated) {
        deps.authLimiter.fail(who);
        throw new UnauthorizedError();
      }
      const { user, ...refresh } = rotated;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await grant(user, refresh);
    },
  });
}
