/**
 * Limits failed authentication attempts per key (the remote address), so credentials cannot be guessed
 * at full speed. Only failures count: a well-behaved client making many authenticated requests is never
 * limited. Fixed window per key: at most maxFailures failures in windowMs, counted from the first failure.
 *
 * Memory is bounded: at most maxKeys entries; when full, expired windows are swept and, if that is not
 * enough, the oldest entries are dropped (an attacker rotating addresses only loses its own history).
 */

export interface FailureLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  maxKeys?: number;
  now?: () => number;
}

export type LimitCheck = { limited: false } | { limited: true; retryAfterSeconds: number };

export interface FailureLimiter {
  check(key: string): LimitCheck;
  fail(key: string): void;
  /** A successful authentication clears the key's failures. */
  succeed(key: string): void;
  /** Entries currently held (for tests and metrics). */
  size(): number;
}

interface Window {
  startedAt: number;
  failures: number;
}

export function createFailureLimiter(options: FailureLimiterOptions = {}): FailureLimiter {
  const maxFailures = options.maxFailures ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order = window start order, because a key is re-inserted whenever its window restarts.
  const windows = new Map<string, Window>();

  function current(key: string, t: number): Window | undefined {
    const w = windows.get(key);
    if (w && t - w.startedAt >= windowMs) {
      windows.delete(key);
      return undefined;
    }
    return w;
  }

  function makeRoom(t: number): void {
    if (windows.size < maxKeys) return;
    for (const [key, w] of windows) {
      // Oldest first: once one window is still open, all later ones are too.
      if (t - w.startedAt < windowMs) break;
      windows.delete(key);
    }
    while (windows.size >= maxKeys) {
      const oldest = windows.keys().next().value;
      if (oldest === undefined) break;
      windows.delete(oldest);
    }
  }

  return {
    check(key) {
      const t = now();
      const w = current(key, t);
      if (!w || w.failures < maxFailures) return { limited: false };
      return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((w.startedAt + windowMs - t) / 1000)) };
    },

    fail(key) {
      const t = now();
      const w = current(key, t);
      if (w) {
        w.failures += 1;
        return;
      }
      makeRoom(t);
      windows.set(key, { startedAt: t, failures: 1 });
    },

    succeed(key) {
      windows.delete(key);
    },

    size() {
      return windows.size;
    },
  };
}
