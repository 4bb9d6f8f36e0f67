import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TYPING_IDLE_MS, TYPING_REFRESH_MS, TypingNotifier, type TypingState } from '../../src-renderer/src/lib/logic/typing.js';

/** The composer's typing indicator with fake timers: what it sends, and when it stops. */
describe('TypingNotifier', () => {
  let sent: TypingState[];
  let send: (state: TypingState) => Promise<void>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    send = (state) => {
      sent.push(state);
      return Promise.resolve();
    };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends composing on the first keystroke only, not on every one', () => {
    const typing = new TypingNotifier(send);
    typing.input(false);
    vi.advanceTimersByTime(500);
    typing.input(false);
    typing.input(false);
    expect(sent).toEqual(['composing']);
    expect(typing.isTyping).toBe(true);
  });

  it(`stops after ${TYPING_IDLE_MS} ms without a keystroke, and not a moment before`, () => {
    const typing = new TypingNotifier(send);
    typing.input(false);
    vi.advanceTimersByTime(TYPING_IDLE_MS - 1);
    expect(sent).toEqual(['composing']);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['composing', 'paused']);
    expect(typing.isTyping).toBe(false);
    // Nothing more once stopped.
    vi.advanceTimersByTime(TYPING_IDLE_MS * 3);
    expect(sent).toEqual(['composing', 'paused']);
  });

  it('each keystroke restarts the idle delay', () => {
    const typing = new TypingNotifier(send);
    typing.input(false);
    vi.advanceTimersByTime(TYPING_IDLE_MS - 100);
    typing.input(false);
    vi.advanceTimersByTime(TYPING_IDLE_MS - 100);
    expect(sent.filter((s) => s === 'paused')).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent.at(-1)).toBe('paused');
  });

  it('stops when the message is sent (stop) and says paused once', () => {
    const typing = new TypingNotifier(send);
    typing.input(false);
    typing.stop();
    typing.stop();
    expect(sent).toEqual(['composing', 'paused']);
    // The idle timer was cleared with it: no second paused later.
    vi.advanceTimersByTime(TYPING_IDLE_MS * 2);
    expect(sent).toEqual(['composing', 'paused']);
  });

  it('stops when the text is cleared, and sends nothing when it never typed', () => {
    const typing = new TypingNotifier(send);
    typing.input(true);
    typing.stop();
    expect(sent).toEqual([]);
    typing.input(false);
    typing.input(true);
    expect(sent).toEqual(['composing', 'paused']);
  });

  it('refreshes composing while typing goes on', () => {
    const typing = new TypingNotifier(send);
    typing.input(false);
    for (let t = 0; t < TYPING_REFRESH_MS; t += 1000) {
      vi.advanceTimersByTime(1000);
      typing.input(false);
    }
    expect(sent).toEqual(['composing', 'composing']);
  });

  it('sends nothing while disabled (a session that is not live, the manual toggle on)', () => {
    let enabled = false;
    const typing = new TypingNotifier(send, { enabled: () => enabled });
    typing.input(false);
    vi.advanceTimersByTime(TYPING_IDLE_MS);
    expect(sent).toEqual([]);
    enabled = true;
    typing.input(false);
    expect(sent).toEqual(['composing']);
  });

  it('a failed composing counts as not typing (no paused for it), and the error is reported', async () => {
    const errors: unknown[] = [];
    const typing = new TypingNotifier(() => Promise.reject(new Error('offline')), { onError: (e) => errors.push(e) });
    typing.input(false);
    await vi.runAllTimersAsync();
    expect(typing.isTyping).toBe(false);
    expect(errors).toHaveLength(1);
  });

  it('dispose (leaving the chat) stops typing', () => {
    const typing = new TypingNotifier(send);
    typing.input(false);
    typing.dispose();
    expect(sent).toEqual(['composing', 'paused']);
  });
});
