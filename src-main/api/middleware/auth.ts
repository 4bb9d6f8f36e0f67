import type { Middleware } from 'koa';
import { RateLimitedError, UnauthorizedError } from '../../core/errors.js';
import type { Principal } from '../../core/types.js';
import { looksLikeJwt } from '../../auth/jwt.js';
import type { ApiDeps } from '../ports.js';
import type { ApiContext, ApiState } from '../state.js';

/** The credential of a request: `Authorization: Bearer` or `x-api-key`. Never the query string or a cookie. */
export function credentialOf(ctx: ApiContext): string | undefined {
  const header = ctx.get('authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m ? m[1] : '';
  }
  const key = ctx.get('x-api-key');
  return key ? key.trim() : undefined;
}

/**
 * Authenticates every request that reaches it: a login JWT or an API key, tried in turn. Repeated failures
 * from one address are rate limited (429 with Retry-After) so keys cannot be guessed online.
 */
export function authenticate(deps: Pick<ApiDeps, 'apiKeys' | 'tokens' | 'authLimiter'>): Middleware<ApiState> {
  return async (ctx, next) => {
    const who = ctx.ip || 'unknown';
    const limit = deps.authLimiter.check(who);
    if (limit.limited) throw new RateLimitedError('too many failed authentications', limit.retryAfterSeconds);
    const credential = credentialOf(ctx as ApiContext);
    let principal: Principal | null = null;
    if (credential) {
      principal = looksLikeJwt(credential)
        ? await deps.tokens.verify(credential)
        : deps.apiKeys.authenticate(credential);
    }
    if (!principal) {
      deps.authLimiter.fail(who);
      throw new UnauthorizedError();
    }
    deps.authLimiter.succeed(who);
    ctx.state.principal = principal;
    await next();
  };
}

/** The authenticated caller; capabilities are checked by the app services (src-main/app/access.ts). */
export function principalOf(ctx: ApiContext): Principal {
  const p = ctx.state.principal;
  if (!p) throw new UnauthorizedError();
  return p;
}
