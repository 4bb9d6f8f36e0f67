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
 * |                      | unpaired: the pairing attempt is over -> stop, status stopped                  |
 *
 * 411 choice: the stored device identity is useless after a multi-device mismatch, so the only way back is a
 * new pairing. We wipe and start that pairing right away so the UI shows a fresh QR (status scan_qr_code);
 * if nobody scans it, the QR runs out (408 while unpaired) and the policy stops the session.
 */
import type { SessionStatus } from '../core/types.js';

export type CloseDecision =
  | { action: 'stop'; status: SessionStatus; wipeAuth: boolean; reason: string }
  | {
      action: 'reconnect';
      delayMs: number;
      /** Delete the session's creds and keys before the new socket is made (411 only). */
      wipeAuth: boolean;
      /** Status to show until the new client reports progress. */
      status: SessionStatus;
      reason: string;
    };

export interface CloseContext {
  /** Whether the session's creds are paired (creds.account set) at the time of the close. */
  paired: boolean;
  /** Consecutive reconnects already made without reaching 'open' (0 for the first retry). */
  attempt: number;
  /** Injected for tests; defaults to Math.random. Must return a number in [0, 1). */
  random?: () => number;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;
/** Full jitter can draw ~0; a small floor keeps a flapping network from turning into a hot loop. */
export const BACKOFF_FLOOR_MS = 250;

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
      return { action: 'stop', status: 'stopped', wipeAuth: false, reason: 'closed by the gateway' };
    case 515:
      return { action: 'reconnect', delayMs: 0, wipeAuth: false, status: 'starting', reason: 'restart required' };
    case 401:
      return {
        action: 'stop',
        status: 'logged_out',
        wipeAuth: true,
        reason: 'logged out: the device was removed from the WhatsApp account',
      };
    case 403:
      return { action: 'stop', status: 'failed', wipeAuth: false, reason: 'WhatsApp refused the connection (403 forbidden)' };
    case 419:
      return { action: 'stop', status: 'failed', wipeAuth: false, reason: 'WhatsApp refused the connection (419 unauthorized)' };
    case 411:
      return {
        action: 'reconnect',
        delayMs: 0,
        wipeAuth: true,
        status: 'scan_qr_code',
        reason: 'multi-device mismatch: the device must be paired again',
      };
    case 440:
      return { action: 'stop', status: 'failed', wipeAuth: false, reason: 'connection replaced' };
    default: {
      // 408 lost / QR refs ended, 428 closed, 500 bad session, 503 unavailable, and anything unknown.
      const what = describeTransient(statusCode);
      if (!ctx.paired) {
        return { action: 'stop', status: 'stopped', wipeAuth: false, reason: `pairing attempt ended: ${what}` };
      }
      return {
        action: 'reconnect',
        delayMs: backoffDelayMs(ctx.attempt, ctx.random),
        wipeAuth: false,
        status: 'starting',
        reason: what,
      };
    }
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
