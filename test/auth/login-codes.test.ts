import { describe, expect, it } from 'vitest';
import { createLoginCodes, DEFAULT_LOGIN_CODE_TTL_MS } from '../../src-main/auth/login-codes.js';

describe('createLoginCodes', () => {
  it('issues 32-byte base64url codes that are distinct', () => {
    const codes = createLoginCodes();
    const a = codes.issue();
    const b = codes.issue();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('accepts a code exactly once', () => {
    const codes = createLoginCodes();
    const a = codes.issue();
    const b = codes.issue();
    expect(codes.consume(a)).toBe(true);
    expect(codes.consume(a)).toBe(false);
    expect(codes.consume(b)).toBe(true);
    expect(codes.consume(b)).toBe(false);
  });

  it('rejects unknown, altered and non-string codes', () => {
    const codes = createLoginCodes();
    const a = codes.issue();
    const altered = (a[0] === 'A' ? 'B' : 'A') + a.slice(1);
    expect(codes.consume(altered)).toBe(false);
    expect(codes.consume(a.slice(0, -1))).toBe(false);
    expect(codes.consume('')).toBe(false);
    expect(codes.consume(undefined)).toBe(false);
    expect(codes.consume({ toString: () => a })).toBe(false);
    // Failed attempts do not burn the real code.
    expect(codes.consume(a)).toBe(true);
  });

  it('expires codes after the TTL (default 10 minutes) and forgets them', () => {
    let clock = 5_000_000;
    const codes = createLoginCodes({ now: () => clock });
    const early = codes.issue();
    const late = codes.issue();
    clock += DEFAULT_LOGIN_CODE_TTL_MS - 1;
    expect(codes.consume(early)).toBe(true);
    clock += 1;
    expect(codes.consume(late)).toBe(false);
    expect(codes.size()).toBe(0);
  });

  it('honours a custom TTL and drops expired codes from memory', () => {
    let clock = 0;
    const codes = createLoginCodes({ now: () => clock, ttlMs: 1_000 });
    for (let i = 0; i < 5; i++) codes.issue();
    expect(codes.size()).toBe(5);
    clock = 1_000;
    const fresh = codes.issue();
    expect(codes.size()).toBe(1);
    expect(codes.consume(fresh)).toBe(true);
  });

  it('keeps at most maxOutstanding codes, dropping the oldest', () => {
    const codes = createLoginCodes({ maxOutstanding: 3 });
    const issued = Array.from({ length: 5 }, () => codes.issue());
    expect(codes.size()).toBe(3);
    expect(codes.consume(issued[0])).toBe(false);
    expect(codes.consume(issued[1])).toBe(false);
    expect(issued.slice(2).map((c) => codes.consume(c))).toEqual([true, true, true]);
  });
});
