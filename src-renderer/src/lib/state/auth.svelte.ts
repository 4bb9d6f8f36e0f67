/**
 * Who we are to the gateway. Inside Electron the preload's `window.wagw.getToken()` hands out tokens. In a
 * browser a one-time `#login=<code>` is exchanged for a short-lived JWT and a refresh token (POST /auth/login);
 * the refresh token is kept in this tab's sessionStorage (lib/logic/sign-in.ts) and traded for a new JWT and a
 * new refresh token before the JWT expires, and after a reload (POST /auth/refresh). The JWT lives in memory only.
 */
import { ApiClient } from '../api/client.js';
import { ApiError, describeError } from '../api/errors.js';
import type { TokenGrant, WagwBridge } from '../api/types.js';
import type { DocumentOpener } from './media.svelte.js';
import { hashWithoutLogin, loginCodeFromHash, normalizeExpiry, renewalDelay } from '../logic/auth-timing.js';
import { LOGIN_LINK_COMMAND, RefreshTokenStore } from '../logic/sign-in.js';

declare global {
  interface Window {
    wagw?: WagwBridge;
  }
}

export type AuthStatus = 'checking' | 'signed-in' | 'signed-out';

const ENDED = `Your sign-in has ended. Open a new login link (\`${LOGIN_LINK_COMMAND}\` prints one).`;

function sessionStorageOrNull(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage disabled: sign-ins just do not survive a reload
  }
}

export class AuthState {
  status = $state<AuthStatus>('checking');
  /** Why we are signed out (expired, bad link...), shown on the sign-in screen. */
  reason = $state<string | null>(null);
  readonly apiBase: string;
  readonly api: ApiClient;
  private readonly bridge: WagwBridge | null;
  private readonly refreshStore: RefreshTokenStore;
  private token: string | null = null;
  private expiresAt = Number.NaN;
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private renewing: Promise<string | null> | null = null;

  constructor() {
    this.bridge = typeof window !== 'undefined' && window.wagw ? window.wagw : null;
    this.apiBase = (this.bridge?.apiBase ?? `${location.origin}/api/v1`).replace(/\/+$/, '');
    this.refreshStore = new RefreshTokenStore(this.bridge ? null : sessionStorageOrNull());
    this.api = new ApiClient({
      baseUrl: this.apiBase,
      getToken: () => this.token,
      onUnauthorized: () => this.renew(),
    });
  }

  get isElectron(): boolean {
    return this.bridge !== null;
  }

  /** The desktop app's "open with the OS default app" for archived documents; null in a browser. */
  get documentOpener(): DocumentOpener | null {
    const bridge = this.bridge;
    return bridge ? (ref) => bridge.openDocument(ref) : null;
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
      // A reload (or a restored tab): the refresh token of this tab's sign-in, if it still may work.
      if (this.refreshStore.load(Date.now())) await this.renew();
      else this.signOut(null);
      return;
    }
    // The code is single-use: take it out of the address bar before anything else can copy it.
    history.replaceState(null, '', location.pathname + location.search + hashWithoutLogin(location.hash));
    try {
      this.accept(await this.api.login(code));
    } catch (error) {
      this.signOut(
        error instanceof ApiError && (error.status === 401 || error.status === 400)
          ? `That login link is not valid any more (links work once and expire). Print a new one with \`${LOGIN_LINK_COMMAND}\`.`
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
      let grant: TokenGrant;
      if (this.bridge) grant = await this.bridge.getToken();
      else {
        const stored = this.refreshStore.load(Date.now());
        if (!stored) {
          this.signOut(ENDED);
          return null;
        }
        grant = await this.api.refresh(stored.token);
      }
      this.accept(grant);
      return this.token;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
        this.signOut(ENDED);
        return null;
      }
      if (this.status === 'checking') {
        // A reload while the gateway is away: nothing to show yet; the stored sign-in stays for the next reload.
        this.signOut(`The gateway did not answer: ${describeError(error)}. Reload to try again.`, { keepRefresh: true });
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
    this.refreshStore.save(grant);
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

  signOut(reason: string | null, options: { keepRefresh?: boolean } = {}): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.token = null;
    if (!options.keepRefresh) this.refreshStore.clear();
    this.reason = reason;
    this.status = 'signed-out';
  }
}
