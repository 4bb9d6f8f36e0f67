/**
 * The typing indicator the composer sends while a person types (PUT .../chats/{cid}/presence). It starts on
 * the first keystroke, is refreshed while typing goes on (WhatsApp shows "typing…" for a few seconds only),
 * and stops (`paused`) when the message is sent, the text is cleared, the chat is left, or after
 * TYPING_IDLE_MS without a keystroke. Plain TypeScript with injectable timers: unit-tested with fake timers.
 */

/** No keystroke for this long: we stopped typing. */
export const TYPING_IDLE_MS = 10_000;
/** While typing goes on, `composing` is sent again this often (WhatsApp lets it expire on the other side). */
export const TYPING_REFRESH_MS = 8_000;

export type TypingState = 'composing' | 'paused';

export interface TypingClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class TypingNotifier {
  private typing = false;
  private lastSentAt = 0;
  private idleTimer: unknown = null;

  constructor(
    /** Sends the presence; failures are reported to onError and typing is considered stopped. */
    private readonly send: (state: TypingState) => Promise<void>,
    private readonly options: { clock?: TypingClock; onError?: (error: unknown) => void; enabled?: () => boolean } = {},
  ) {}

  private get clock(): TypingClock {
    return this.options.clock ?? realClock;
  }

  get isTyping(): boolean {
    return this.typing;
  }

  /** A keystroke that changed the text: `empty` when the text is now empty (that stops typing). */
  input(empty: boolean): void {
    if (empty) {
      this.stop();
      return;
    }
    if (this.options.enabled && !this.options.enabled()) return;
    const now = this.clock.now();
    if (!this.typing || now - this.lastSentAt >= TYPING_REFRESH_MS) {
      this.typing = true;
      this.lastSentAt = now;
      this.emit('composing');
    }
    this.armIdle();
  }

  /** Sent, cleared, left, or idle: tell the contact we stopped (only if we said we were typing). */
  stop(): void {
    this.clearIdle();
    if (!this.typing) return;
    this.typing = false;
    this.emit('paused');
  }

  /** The component goes away: stop, and forget the timer. */
  dispose(): void {
    this.stop();
  }

  private emit(state: TypingState): void {
    this.send(state).catch((error: unknown) => {
      if (state === 'composing') {
        this.typing = false;
        this.clearIdle();
      }
      this.options.onError?.(error);
    });
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      this.stop();
    }, TYPING_IDLE_MS);
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
