import { describe, expect, it } from 'vitest';
import {
  BACKOFF_CAP_MS,
  BACKOFF_FLOOR_MS,
  backoffDelayMs,
  decideAfterClose,
  PAIRING_MAX_ATTEMPTS,
  pairingDelayMs,
} from '../../src-main/gateway/reconnect-policy.js';

const paired = { paired: true, attempt: 0, random: () => 0.5 };
const unpaired = { paired: false, attempt: 0, random: () => 0.5 };

describe('decideAfterClose', () => {
  it('undefined (our own end) stops without wiping', () => {
    expect(decideAfterClose(undefined, paired)).toEqual({
      action: 'stop',
      status: 'stopped',
      wipeAuth: false,
      reason: 'closed by the gateway',
      error: null,
    });
  });

  it('515 reconnects at once, paired or not', () => {
    for (const ctx of [paired, unpaired]) {
      const d = decideAfterClose(515, ctx);
      expect(d).toMatchObject({ action: 'reconnect', delayMs: 0, wipeAuth: false, status: 'starting' });
    }
  });

  it('401 stops, wipes auth and marks logged_out', () => {
    const d = decideAfterClose(401, paired);
    expect(d).toMatchObject({ action: 'stop', status: 'logged_out', wipeAuth: true, error: { code: 'logged_out', reason: expect.stringMatching(/^Logged out on the phone/) } });
  });

  it('403 and 419 stop as failed and keep auth', () => {
    for (const code of [403, 419]) {
      const d = decideAfterClose(code, paired);
      expect(d).toMatchObject({ action: 'stop', status: 'failed', wipeAuth: false });
      expect(d.reason).toContain(String(code));
    }
  });

  it('411 wipes and reconnects at once to pair again, showing scan_qr_code', () => {
    expect(decideAfterClose(411, paired)).toMatchObject({
      action: 'reconnect',
      delayMs: 0,
      wipeAuth: true,
      status: 'scan_qr_code',
    });
  });

  it('440 never loops: stops as failed with reason connection replaced', () => {
    expect(decideAfterClose(440, { ...paired, attempt: 3 })).toEqual({
      action: 'stop',
      status: 'failed',
      wipeAuth: false,
      reason: 'connection replaced',
      error: { code: 'replaced', reason: expect.stringMatching(/^Opened elsewhere/) },
    });
  });

  it('transient codes back off when paired', () => {
    for (const code of [408, 428, 500, 503, 999]) {
      const d = decideAfterClose(code, { paired: true, attempt: 2, random: () => 0.5 });
      // ceiling for attempt 2 = 4 s; half of it with random 0.5
      expect(d).toMatchObject({ action: 'reconnect', delayMs: 2000, wipeAuth: false, status: 'starting' });
    }
  });

  it('paired transient closes carry a readable lastError while reconnecting', () => {
    expect(decideAfterClose(408, paired).error).toEqual({ code: 'timeout', reason: "Can't reach WhatsApp (timeout)" });
    expect(decideAfterClose(503, paired).error).toEqual({ code: 'unavailable', reason: 'WhatsApp is unavailable (503)' });
    expect(decideAfterClose(515, paired).error).toBeNull();
  });

  it('an unpaired session that cannot reach WhatsApp retries pairing, spaced out, then stops as failed', () => {
    for (const code of [408, 428, 500, 503, 999]) {
      for (let attempt = 0; attempt < PAIRING_MAX_ATTEMPTS - 1; attempt++) {
        const d = decideAfterClose(code, { ...unpaired, attempt });
        expect(d).toMatchObject({ action: 'reconnect', status: 'starting', wipeAuth: false, error: { code: 'unreachable' } });
        expect(d.reason).toMatch(/^pairing attempt ended/);
      }
      const last = decideAfterClose(code, { ...unpaired, attempt: PAIRING_MAX_ATTEMPTS - 1 });
      expect(last).toMatchObject({ action: 'stop', status: 'failed', wipeAuth: false, error: { code: 'unreachable' } });
    }
    expect(decideAfterClose(408, { ...unpaired, attempt: PAIRING_MAX_ATTEMPTS - 1 }).error).toEqual({
      code: 'unreachable',
      reason: "Can't reach WhatsApp (timeout)",
    });
  });

  it('a QR that ran out unscanned stops at once (qr_expired); other drops after a QR end as too many attempts', () => {
    expect(decideAfterClose(408, { ...unpaired, qrShown: true })).toMatchObject({
      action: 'stop',
      status: 'stopped',
      error: { code: 'qr_expired', reason: 'The QR code expired before it was scanned' },
    });
    expect(decideAfterClose(428, { ...unpaired, qrShown: true })).toMatchObject({ action: 'reconnect', error: { code: 'connection_closed' } });
    expect(decideAfterClose(428, { ...unpaired, qrShown: true, attempt: PAIRING_MAX_ATTEMPTS - 1 })).toMatchObject({
      action: 'stop',
      status: 'failed',
      error: { code: 'pairing_attempts', reason: 'Too many pairing attempts (connection closed)' },
    });
  });
});

describe('pairingDelayMs', () => {
  it('doubles from 1-2 s up to a 15-30 s band and never draws near zero', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => pairingDelayMs(a, () => 0))).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect([0, 1, 2, 3, 4].map((a) => pairingDelayMs(a, () => 1 - 1e-12))).toEqual([1999, 3999, 7999, 15999, 29999]);
    expect(pairingDelayMs(Number.NaN, () => Number.NaN)).toBe(1000);
  });
});

describe('backoffDelayMs', () => {
  it('grows exponentially from 1 s with full jitter', () => {
    const top = () => 1 - 1e-12;
    expect(backoffDelayMs(0, top)).toBe(999);
    expect(backoffDelayMs(1, top)).toBe(1999);
    expect(backoffDelayMs(3, top)).toBe(7999);
    expect(backoffDelayMs(5, top)).toBe(31999);
  });

  it('is capped at 60 s however many attempts were made', () => {
    for (const attempt of [6, 10, 50, 1e6, Number.MAX_SAFE_INTEGER]) {
      const d = backoffDelayMs(attempt, () => 0.999999);
      expect(d).toBeLessThan(BACKOFF_CAP_MS);
      expect(d).toBeGreaterThan(BACKOFF_CAP_MS - 100);
    }
  });

  it('never goes below the floor, even when the draw is 0', () => {
    expect(backoffDelayMs(0, () => 0)).toBe(BACKOFF_FLOOR_MS);
    expect(backoffDelayMs(10, () => 0)).toBe(BACKOFF_FLOOR_MS);
  });

  it('treats nonsense attempts and draws as the first attempt / bounds', () => {
    expect(backoffDelayMs(-3, () => 0.5)).toBe(500);
    expect(backoffDelayMs(Number.NaN, () => 0.5)).toBe(500);
    expect(backoffDelayMs(0, () => 1)).toBeLessThan(1000);
    expect(backoffDelayMs(0, () => Number.NaN)).toBe(BACKOFF_FLOOR_MS);
  });

  it('stays within [floor, ceiling) for random draws', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, 1000 * 2 ** attempt);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelayMs(attempt);
        expect(d).toBeGreaterThanOrEqual(BACKOFF_FLOOR_MS);
        expect(d).toBeLessThan(ceiling);
      }
    }
  });
});
