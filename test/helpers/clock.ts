/**
 * One fake clock for every test that needs time under control: `now`, and timers that fire only when the
 * test calls `advance(ms)`, in time order (ties in creation order), including timers scheduled meanwhile.
 * It satisfies both timer ports of src-main (the session manager's `Timers` and the sandbox's `SandboxTimers`).
 */
interface Timer {
  id: number;
  at: number;
  fn: () => void;
  every: number | null;
}

export class FakeClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(start = Date.UTC(2026, 5, 1, 9, 0, 0)) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  readonly setTimeout = (fn: () => void, ms: number): number => this.add(fn, ms, null);
  readonly clearTimeout = (handle: unknown): void => void this.timers.delete(handle as number);
  readonly setInterval = (fn: () => void, ms: number): number => this.add(fn, ms, ms);
  readonly clearInterval = (handle: unknown): void => void this.timers.delete(handle as number);

  /** The four timer functions as one object (for ports that take `timers`). */
  get timerFns() {
    return { setTimeout: this.setTimeout, clearTimeout: this.clearTimeout, setInterval: this.setInterval, clearInterval: this.clearInterval };
  }

  private add(fn: () => void, ms: number, every: number | null): number {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, ms), fn, every });
    return id;
  }

  /** How many timers are waiting. */
  get pendingCount(): number {
    return this.timers.size;
  }

  /** Delays (from now, in ms) of the waiting timers, soonest first. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward by ms, running every timer that falls due. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      let next: Timer | null = null;
      for (const t of this.timers.values()) if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      if (next.every !== null) next.at += Math.max(1, next.every);
      else this.timers.delete(next.id);
      next.fn();
    }
    this.current = until;
  }
}
