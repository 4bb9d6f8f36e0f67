/**
 * What to do after a Baileys socket closed (docs/BAILEYS.md section 1, "Reconnect"). Pure: the session manager
 * feeds it the close code of the client that just ended and acts on the answer.
 *
 * | code                 | answer                                                                          |
 * |----------------------|---------------------------------------------------------------------------------|
 * | undefined            | our own end(): stop, status stopped                                            |
 * | 515 restartRequired  | reconnect at once (normal right after pairing)                                 |
 * | 401 loggedOut        | stop, wipe auth, status logged_out                                             |
 * | 403, 419             | stop, status failed (WhatsApp refuses this account/device)                     |
 * | 411 mismatch         | wipe auth and reconnect at once to pair again; interim status scan_qr_code      |
 * | 440 replaced         | stop, status failed, reason 'connection replaced' (never loop against the other) |
 * | 408/428/500/503/else | paired: reconnect after jittered, capped exponential backoff;                  |
 * |                      | unpaired, 408 after a QR was shown: nobody scanned it -> stop, status stopped   |
 * |                      | unpaired otherwise: retry pairing after a spaced-out backoff, at most            |
 * |                      | PAIRING_MAX_ATTEMPTS connections; then stop, status failed                      |
 *
 * Every decision carries `error`: the session's lastError (a code and a sentence for people) or null when
 * the close is no failure (our own end, 515). A QR code on screen or an open connection clears it.
 *
 * Pairing retries (issue 13): an unreachable WhatsApp (no route, a proxy that drops the socket) closes each
 * attempt with 408 before any QR. Retrying at once made a storm of attempts and log lines; never retrying made
 * the session stop without a word. So: a few attempts, spaced by "equal jitter" (at least half the ceiling, so
 * two attempts are never close together), then stop with a reason the UI shows next to a Retry button.
 * 411 choice: the stored device identity is useless after a multi-device mismatch, so the only way back is a
 * new pairing. We wipe and start that pairing right away so the UI shows a fresh QR (status scan_qr_code);
 * if nobody scans it, the QR runs out (408 while unpaired) and the policy stops the session.
 */
import type { SessionErrorCode, SessionStatus } from '../core/types.js';

/** The session's lastError a close leads to (the manager adds the time). */
export interface CloseError {
  code: SessionErrorCode;
  reason: string;
}

export type CloseDecision =
  | { action: 'stop'; status: SessionStatus; wipeAuth: boolean; reason: string; error: CloseError | null }
  | {
      action: 'reconnect';
      delayMs: number;
      /** Delete the session's creds and keys before the new socket is made (411 only). */
      wipeAuth: boolean;
      /** Status to show until the new client reports progress. */
      status: SessionStatus;
      reason: string;
      error: CloseError | null;
    };

export interface CloseContext {
  /** Whether the session's creds are paired (creds.account set) at the time of the close. */
  paired: boolean;
  /** Consecutive reconnects already made without reaching 'open' (0 for the first retry). */
  attempt: number;
  /** Injected for tests; defaults to Math.random. Must return a number in [0, 1). */
  random?: () => number;
  /** Whether the client that closed showed a QR code (it reached WhatsApp; unpaired sessions only). */
  qrShown?: boolean;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;
/** Full jitter can draw ~0; a small floor keeps a flapping network from turning into a hot loop. */
export const BACKOFF_FLOOR_MS = 250;

/**
 * Connections one pairing run makes before it gives up (the first plus three retries): a flaky network gets a
 * few chances, an unreachable WhatsApp is reported in about a minute (each real attempt waits up to Baileys'
 * 20 s connect timeout) instead of being retried forever.
 */
export const PAIRING_MAX_ATTEMPTS = 4;
export const PAIRING_BACKOFF_BASE_MS = 2_000;
export const PAIRING_BACKOFF_CAP_MS = 30_000;

/**
 * Delay before pairing attempt `attempt + 1`: "equal jitter" over min(cap, base * 2^attempt), i.e. a uniform
 * draw in [ceiling/2, ceiling): 1-2 s, 2-4 s, 4-8 s ... Never near zero, so retries cannot bunch up.
 */
export function pairingDelayMs(attempt: number, random: () => number = Math.random): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const ceiling = Math.min(PAIRING_BACKOFF_CAP_MS, PAIRING_BACKOFF_BASE_MS * 2 ** Math.min(n, 30));
  let r = random();
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r >= 1) r = 1 - Number.EPSILON;
  return Math.floor(ceiling / 2 + (r * ceiling) / 2);
}

/**
 * Full-jitter exponential backoff: a uniform draw in [0, min(cap, base * 2^attempt)), never below the floor.
 */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  // 2^6 * 1 s already exceeds the cap; clamping the exponent keeps the arithmetic finite for huge attempts.
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n, 30));
  let r = random();
  if (!Number.isFinite(r) || r < 0) r = 0;
  if (r >= 1) r = 1 - Number.EPSILON;
  return Math.max(BACKOFF_FLOOR_MS, Math.floor(r * ceiling));
}

export function decideAfterClose(statusCode: number | undefined, ctx: CloseContext): CloseDecision {
  switch (statusCode) {
    case undefined:
      return { action: 'stop', status: 'stopped', wipeAuth: false, reason: 'closed by the gateway', error: null };
    case 515:
      return { action: 'reconnect', delayMs: 0, wipeAuth: false, status: 'starting', reason: 'restart required', error: null };
    case 401:
      return {
        action: 'stop',
        status: 'logged_out',
        wipeAuth: true,
        reason: 'logged out: the device was removed from the WhatsApp account',
        error: { code: 'logged_out', reason: 'Logged out on the phone (the linked device was removed)' },
      };
    case 403:
    case 419:
      return {
        action: 'stop',
        status: 'failed',
        wipeAuth: false,
        reason: `WhatsApp refused the connection (${statusCode} ${statusCode === 403 ? 'forbidden' : 'unauthorized'})`,
        error: { code: 'forbidden', reason: `WhatsApp refused this device (${statusCode})` },
      };
    case 411:
      return {
        action: 'reconnect',
        delayMs: 0,
        wipeAuth: true,
        status: 'scan_qr_code',
        reason: 'multi-device mismatch: the device must be paired again',
        error: { code: 'mismatch', reason: 'This device must be paired again (multi-device mismatch)' },
      };
    case 440:
      return {
        action: 'stop',
        status: 'failed',
        wipeAuth: false,
        reason: 'connection replaced',
        error: { code: 'replaced', reason: 'Opened elsewhere: another gateway or browser took over this session' },
      };
    default: {
      // 408 lost / QR refs ended, 428 closed, 500 bad session, 503 unavailable, and anything unknown.
      const what = describeTransient(statusCode);
      if (!ctx.paired) return decidePairingClose(statusCode, what, ctx);
      return {
        action: 'reconnect',
        delayMs: backoffDelayMs(ctx.attempt, ctx.random),
        wipeAuth: false,
        status: 'starting',
        reason: what,
        error: transientError(statusCode),
      };
    }
  }
}

/** An unpaired session's connection ended with a transient code: retry pairing (spaced out, capped) or stop. */
function decidePairingClose(statusCode: number, what: string, ctx: CloseContext): CloseDecision {
  if (ctx.qrShown && statusCode === 408) {
    // Baileys' "QR refs attempts ended": the codes ran out with nobody scanning. Another run would only show
    // more codes to nobody; the person asks for a new one (Retry).
    return {
      action: 'stop',
      status: 'stopped',
      wipeAuth: false,
      reason: `pairing attempt ended: ${what}`,
      error: { code: 'qr_expired', reason: 'The QR code expired before it was scanned' },
    };
  }
  const error: CloseError = ctx.qrShown
    ? { code: 'pairing_attempts', reason: `Too many pairing attempts (${connectionTrouble(statusCode)})` }
    : { code: 'unreachable', reason: `Can't reach WhatsApp (${connectionTrouble(statusCode)})` };
  if (ctx.attempt + 1 >= PAIRING_MAX_ATTEMPTS) {
    return { action: 'stop', status: 'failed', wipeAuth: false, reason: `pairing gave up after ${ctx.attempt + 1} attempts: ${what}`, error };
  }
  return {
    action: 'reconnect',
    delayMs: pairingDelayMs(ctx.attempt, ctx.random),
    wipeAuth: false,
    status: 'starting',
    reason: `pairing attempt ended: ${what}`,
    // While retrying the reason is the current trouble; "too many" only once the cap is reached.
    error: ctx.qrShown ? { code: 'connection_closed', reason: `Connection to WhatsApp lost (${connectionTrouble(statusCode)})` } : error,
  };
}

/** The lastError of a transient close of a paired session (it reconnects meanwhile). */
function transientError(code: number): CloseError {
  switch (code) {
    case 408:
      return { code: 'timeout', reason: "Can't reach WhatsApp (timeout)" };
    case 500:
      return { code: 'bad_session', reason: 'WhatsApp rejected the stored session (500)' };
    case 503:
      return { code: 'unavailable', reason: 'WhatsApp is unavailable (503)' };
    default:
      return { code: 'connection_closed', reason: `Connection to WhatsApp lost (${connectionTrouble(code)})` };
  }
}

/** A few words on a transient close, for the sentences above. */
function connectionTrouble(code: number): string {
  switch (code) {
    case 408:
      return 'timeout';
    case 428:
      return 'connection closed';
    case 500:
      return 'bad session';
    case 503:
      return 'service unavailable';
    default:
      return `code ${code}`;
  }
}

function describeTransient(code: number): string {
  switch (code) {
    case 408:
      return 'connection lost or timed out (408)';
    case 428:
      return 'connection closed (428)';
    case 500:
      return 'bad session (500)';
    case 503:
      return 'WhatsApp service unavailable (503)';
    default:
      return `connection closed with code ${code}`;
  }
}
