/** Browser login for the headless UI (ours): a one-time link code becomes a short-lived login JWT. */
import { RateLimitedError, UnauthorizedError } from '../../core/errors.js';
import { principalOf } from '../middleware/auth.js';
import { parseBody } from '../http.js';
import { ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { LoginBody, TokenSchema } from '../schemas.js';

export const LOGIN_TOKEN_TTL_SECONDS = 15 * 60;

export interface LoginSubject {
  subject: string;
  organizationId: string;
}

export function registerAuthRoutes(api: ApiRegistry, deps: ApiDeps, owner: () => LoginSubject): void {
  const mint = async (sub: string, organizationId: string) => {
    const token = await deps.tokens.mint({ sub, organizationId, role: 'owner' }, LOGIN_TOKEN_TTL_SECONDS);
    const now = deps.now?.() ?? Date.now();
    return { token, expiresAt: now + LOGIN_TOKEN_TTL_SECONDS * 1000 };
  };

  api.add({
    method: 'post',
    path: '/auth/login',
    operationId: 'login',
    summary: 'Exchange a one-time login code for a login JWT',
    description: 'The code comes from the login link `wagw serve` prints. Single use; expires after a few minutes.',
    tag: 'Auth',
    access: 'public',
    body: LoginBody,
    responses: {
      200: { description: 'A short-lived login JWT', schema: toSchema(TokenSchema) },
      401: { description: 'unauthorized: unknown, used or expired code', schema: ref('Error') },
      429: { description: 'rate_limited: too many failed logins', schema: ref('Error') },
    },
    async handler(ctx) {
      const who = ctx.state.clientAddress ?? (ctx.ip || 'unknown');
      const limit = deps.authLimiter.check(who);
      if (limit.limited) throw new RateLimitedError('too many failed logins', limit.retryAfterSeconds);
      const body = parseBody(ctx, LoginBody);
      if (!deps.loginCodes.consume(body.code)) {
        deps.authLimiter.fail(who);
        throw new UnauthorizedError();
      }
      const o = owner();
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await mint(o.subject, o.organizationId);
    },
  });

  api.add({
    method: 'post',
    path: '/auth/refresh',
    operationId: 'refreshLogin',
    summary: 'Renew a login JWT before it expires',
    tag: 'Auth',
    access: 'any',
    responses: { 200: { description: 'A fresh login JWT', schema: toSchema(TokenSchema) } },
    async handler(ctx) {
      const p = principalOf(ctx);
      if (p.kind !== 'user') throw new UnauthorizedError();
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await mint(p.subject, p.organizationId);
    },
  });
}
