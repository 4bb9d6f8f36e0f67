import { describe, expect, it } from 'vitest';
import {
  hashWithoutLogin,
  loginCodeFromHash,
  normalizeExpiry,
  reconnectDelay,
  renewalDelay,
} from '../../src-renderer/src/lib/logic/auth-timing.js';

describe('login link', () => {
  it('reads the one-time code from the fragment', () => {
    expect(loginCodeFromHash('#login=abc123')).toBe('abc123');
    expect(loginCodeFromHash('#x=1&login=a%2Bb')).toBe('a+b');
    expect(loginCodeFromHash('#login=')).toBeNull();
    expect(loginCodeFromHash('')).toBeNull();
    expect(loginCodeFromHash('#loginx=1')).toBeNull();
    expect(loginCodeFromHash('#login=%E0%A4%A')).toBeNull(); // malformed escape
  });

  it('strips the spent code from the fragment', () => {
    expect(hashWithoutLogin('#login=abc')).toBe('');
    expect(hashWithoutLogin('#x=1&login=abc')).toBe('#x=1');
  });
});

describe('token renewal timing', () => {
  it('normalises expiry in ms, seconds and ISO', () => {
    expect(normalizeExpiry(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(normalizeExpiry(1_700_000_000)).toBe(1_700_000_000_000);
    expect(normalizeExpiry('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(normalizeExpiry(null)).toBeNaN();
  });

  it('renews well before expiry, never in a hot loop, at once when expired', () => {
    const now = 1_000_000;
    expect(renewalDelay(now + 15 * 60_000, now)).toBe(12 * 60_000); // 80% of a 15 min life
    expect(renewalDelay(now + 100_000, now)).toBe(40_000); // min(80%, remaining - 60 s)
    expect(renewalDelay(now + 30_000, now)).toBe(15_000); // short life: half way
    expect(renewalDelay(now + 4_000, now)).toBe(2_000);
    expect(renewalDelay(now - 1, now)).toBe(0);
    expect(renewalDelay(Number.NaN, now)).toBe(60_000);
  });

  it('backs off reconnects up to 15 s', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });
});
