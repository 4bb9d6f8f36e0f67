import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from '../../src-main/auth/rate-limit.js';

describe('createFailureLimiter', () => {
  it('limits a key after maxFailures failures within the window, with Retry-After seconds', () => {
    let clock = 1_000_000;
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000, now: () => clock });
    for (let i = 0; i < 3; i++) {
      expect(limiter.check('1.2.3.4')).toEqual({ limited: false });
      limiter.fail('1.2.3.4');
    }
    expect(limiter.check('1.2.3.4')).toEqual({ limited: true, retryAfterSeconds: 60 });
    expect(limiter.check('5.6.7.8')).toEqual({ limited: false });
    clock += 45_500;
    expect(limiter.check('1.2.3.4')).toEqual({ limited: true, retryAfterSeconds: 15 });
    clock += 14_499;
    expect(limiter.check('1.2.3.4')).toEqual({ limited: true, retryAfterSeconds: 1 });
    clock += 1;
    expect(limiter.check('1.2.3.4')).toEqual({ limited: false });
    // A new window starts from zero.
    limiter.fail('1.2.3.4');
    expect(limiter.check('1.2.3.4')).toEqual({ limited: false });
  });

  it('defaults to 20 failures per minute', () => {
    let clock = 0;
    const limiter = createFailureLimiter({ now: () => clock });
    for (let i = 0; i < 19; i++) limiter.fail('k');
    expect(limiter.check('k').limited).toBe(false);
    limiter.fail('k');
    expect(limiter.check('k')).toEqual({ limited: true, retryAfterSeconds: 60 });
    clock = 60_000;
    expect(limiter.check('k').limited).toBe(false);
  });

  it('clears a key on success', () => {
    const limiter = createFailureLimiter({ maxFailures: 2 });
    limiter.fail('k');
    limiter.fail('k');
    expect(limiter.check('k').limited).toBe(true);
    limiter.succeed('k');
    expect(limiter.check('k').limited).toBe(false);
    expect(limiter.size()).toBe(0);
  });

  it('keeps memory bounded: expired windows are swept, then the oldest keys dropped', () => {
    let clock = 0;
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 1_000, maxKeys: 100, now: () => clock });
    for (let i = 0; i < 100; i++) limiter.fail(`old-${i}`);
    expect(limiter.size()).toBe(100);
    clock = 1_000;
    limiter.fail('new-0');
    expect(limiter.size()).toBe(1);

    for (let i = 1; i < 250; i++) limiter.fail(`new-${i}`);
    expect(limiter.size()).toBe(100);
    expect(limiter.check('new-249').limited).toBe(true);
    expect(limiter.check('new-0').limited).toBe(false); // dropped as the oldest
  });
});
