import { describe, expect, it } from 'vitest';
import {
  BACKOFF_CAP_MS,
  BACKOFF_FLOOR_MS,
  backoffDelayMs,
  decideAfterClose,
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
    expect(d).toMatchObject({ action: 'stop', status: 'logged_out', wipeAuth: true });
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
    });
  });

  it('transient codes back off when paired', () => {
    for (const code of [408, 428, 500, 503, 999]) {
      const d = decideAfterClose(code, { paired: true, attempt: 2, random: () => 0.5 });
      // ceiling for attempt 2 = 4 s; half of it with random 0.5
      expect(d).toMatchObject({ action: 'reconnect', delayMs: 2000, wipeAuth: false, status: 'starting' });
    }
  });

  it('transient codes end an unpaired pairing attempt (status stopped, auth kept)', () => {
    for (const code of [408, 428, 500, 503, 999]) {
      const d = decideAfterClose(code, unpaired);
      expect(d).toMatchObject({ action: 'stop', status: 'stopped', wipeAuth: false });
      expect(d.reason).toMatch(/^pairing attempt ended/);
    }
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
