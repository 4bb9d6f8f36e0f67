/**
 * Who we are to the gateway. Inside Electron the preload's `window.wagw.getToken()` hands out tokens; in a
 * browser a one-time `#login=<code>` is exchanged for a JWT (POST /auth/login) and renewed before it expires
 * (POST /auth/refresh). Tokens live in memory only: a reload in the browser needs a new login link.
 */
import { ApiClient } from '../api/client.js';
import { ApiError, describeError } from '../api/errors.js';
import type { TokenGrant, WagwBridge } from '../api/types.js';
import { hashWithoutLogin, loginCodeFromHash, normalizeExpiry, renewalDelay } from '../logic/auth-timing.js';

declare global {
  interface Window {
    wagw?: WagwBridge;
  }
}

export type AuthStatus = 'checking' | 'signed-in' | 'signed-out';

export class AuthState {
  status = $state<AuthStatus>('checking');
  /** Why we are signed out (expired, bad link...), shown on the sign-in screen. */
  reason = $state<string | null>(null);
  readonly apiBase: string;
  readonly api: ApiClient;
  private readonly bridge: WagwBridge | null;
  private token: string | null = null;
  private expiresAt = Number.NaN;
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private renewing: Promise<string | null> | null = null;

  constructor() {
    this.bridge = typeof window !== 'undefined' && window.wagw ? window.wagw : null;
    this.apiBase = (this.bridge?.apiBase ?? `${location.origin}/api/v1`).replace(/\/+$/, '');
    this.api = new ApiClient({
      baseUrl: this.apiBase,
      getToken: () => this.token,
      onUnauthorized: () => this.renew(),
    });
  }

  get isElectron(): boolean {
    return this.bridge !== null;
  }

  async init(): Promise<void> {
    if (this.bridge) {
      try {
        this.accept(await this.bridge.getToken());
      } catch (error) {
        this.signOut(`The app could not sign in: ${describeError(error)}`);
      }
      return;
    }
    const code = loginCodeFromHash(location.hash);
    if (!code) {
      this.signOut(null);
      return;
    }
    // The code is single-use: take it out of the address bar before anything else can copy it.
    history.replaceState(null, '', location.pathname + location.search + hashWithoutLogin(location.hash));
    try {
      this.accept(await this.api.login(code));
    } catch (error) {
      this.signOut(
        error instanceof ApiError && (error.status === 401 || error.status === 400)
          ? 'That login link is not valid any more (links work once and expire). Print a new one with `wagw serve`.'
          : `Signing in failed: ${describeError(error)}`,
      );
    }
  }

  /** Renews the token now (single flight). Resolves to the new token, or null when signed out. */
  renew(): Promise<string | null> {
    this.renewing ??= this.doRenew().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async doRenew(): Promise<string | null> {
    try {
      const grant = this.bridge ? await this.bridge.getToken() : await this.api.refresh();
      this.accept(grant);
      return this.token;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.signOut('Your login has expired. Open a new login link printed by `wagw serve`.');
        return null;
      }
      // Network trouble: keep the current token and try again shortly.
      this.schedule(30_000);
      return this.token;
    }
  }

  private accept(grant: TokenGrant): void {
    if (!grant || typeof grant.token !== 'string' || grant.token === '') {
      this.signOut('The gateway returned no token.');
      return;
    }
    this.token = grant.token;
    this.expiresAt = normalizeExpiry(grant.expiresAt);
    this.reason = null;
    this.status = 'signed-in';
    this.schedule(renewalDelay(this.expiresAt, Date.now()));
  }

  private schedule(delayMs: number): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => {
      this.renewTimer = null;
      void this.renew();
    }, delayMs);
  }

  signOut(reason: string | null): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.token = null;
    this.reason = reason;
    this.status = 'signed-out';
  }
}
