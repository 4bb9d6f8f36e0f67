/**
 * Auto-pairing and forgetting in the sandbox controller, on the shared FakeClock: the session pairs right
 * after its socket's first QR event, with no timer of its own while it waits; forget() drops the session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type SandboxController, type SandboxTiming } from '../../../src-main/whatsapp/sandbox/index.js';
import { FakeClock } from '../../helpers/clock.js';
import { freshAuth, ofType, record, silentLogger, socketOptions } from './helpers.js';

// Deliberately not multiples of 100 ms: a poll would not land on the QR's instant.
const TIMING: Partial<SandboxTiming> = { connectMs: 37, qrFirstMs: 250, qrRotateMs: 20_000, restartAfterPairMs: 50 };
const FIRST_QR_AT = 37 + 250;

const controllers: SandboxController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.stop();
});

function setup(autoPair?: (sessionId: string) => boolean) {
  const clock = new FakeClock();
  const sandbox = createSandbox({
    seed: 5,
    ratePerMinute: 0,
    logger: silentLogger,
    now: clock.now,
    timers: clock.timerFns,
    timing: TIMING,
    ...(autoPair ? { autoPair } : {}),
  });
  controllers.push(sandbox);
  return { clock, sandbox };
}

describe('sandbox autoPair', () => {
  it('pairs at the instant of the first QR, after listeners saw the QR, and asks once per socket', () => {
    const asked: string[] = [];
    const { clock, sandbox } = setup((id) => {
      asked.push(id);
      return id === 'auto';
    });
    const events = record(sandbox.socketFactory(socketOptions('auto', freshAuth())));
    clock.advance(FIRST_QR_AT - 1);
    expect(sandbox.state('auto')).toMatchObject({ paired: false, waitingForPairing: true });
    expect(asked).toEqual([]);
    clock.advance(1);
    expect(asked).toEqual(['auto']);
    expect(sandbox.state('auto').paired).toBe(true);
    // What the adapter sees: the QR first, then the pairing (creds, isNewLogin), then the 515 restart.
    const names = events.map((e) => (e.name === 'connection.update' ? Object.keys(e.data).sort().join('+') : e.name));
    const qrAt = names.indexOf('qr');
    expect(qrAt).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('creds.update')).toBeGreaterThan(qrAt);
    expect(ofType(events, 'connection.update').filter((u) => u.qr)).toHaveLength(1);
    expect(ofType(events, 'connection.update').some((u) => u.isNewLogin)).toBe(true);
    clock.advance(50);
    const close = ofType(events, 'connection.update').find((u) => u.connection === 'close');
    expect((close?.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode).toBe(515);
    expect(asked).toEqual(['auto']);
  });

  it('adds no timer while a session waits for its QR (nothing polls)', () => {
    const plain = setup();
    const auto = setup(() => true);
    plain.sandbox.socketFactory(socketOptions('s', freshAuth()));
    auto.sandbox.socketFactory(socketOptions('s', freshAuth()));
    for (const step of [0, 20, 37, 100]) {
      plain.clock.advance(step);
      auto.clock.advance(step);
      expect(auto.clock.pending()).toEqual(plain.clock.pending());
    }
  });

  it('leaves a session the predicate declines waiting, with its QR rotating', () => {
    const { clock, sandbox } = setup((id) => id === 'other');
    const events = record(sandbox.socketFactory(socketOptions('manual', freshAuth())));
    clock.advance(FIRST_QR_AT + 20_000);
    expect(sandbox.state('manual')).toMatchObject({ paired: false, waitingForPairing: true });
    expect(ofType(events, 'connection.update').filter((u) => u.qr)).toHaveLength(2);
    expect(sandbox.pair('manual')).toBe(true);
  });

  it('does not pair a session whose socket closed between its QR event and the pairing', () => {
    const { clock, sandbox } = setup(() => true);
    const sock = sandbox.socketFactory(socketOptions('gone', freshAuth()));
    const events = record(sock);
    sock.ev.on('connection.update', (u) => {
      if (u.qr) sandbox.disconnect('gone');
    });
    clock.advance(FIRST_QR_AT + 10);
    expect(ofType(events, 'connection.update').some((u) => u.qr)).toBe(true);
    expect(sandbox.state('gone').paired).toBe(false);
    expect(ofType(events, 'creds.update')).toEqual([]);
  });
});

describe('sandbox forget', () => {
  it('drops the session: socket silenced, state reset, and a returning session gets new QR refs', () => {
    const { clock, sandbox } = setup();
    const first = record(sandbox.socketFactory(socketOptions('s1', freshAuth())));
    clock.advance(FIRST_QR_AT);
    const firstQr = ofType(first, 'connection.update').find((u) => u.qr)!.qr;
    expect(sandbox.state('s1').waitingForPairing).toBe(true);

    sandbox.forget('s1');
    expect(sandbox.state('s1')).toEqual({ paired: false, waitingForPairing: false, reachable: true, presence: [], sent: 0, received: [], readReceipts: [] });
    expect(sandbox.pair('s1')).toBe(false);
    const before = first.length;
    clock.advance(60_000);
    expect(first.length).toBe(before);
    expect(clock.pendingCount).toBe(0);

    const again = record(sandbox.socketFactory(socketOptions('s1', freshAuth())));
    clock.advance(FIRST_QR_AT);
    const secondQr = ofType(again, 'connection.update').find((u) => u.qr)!.qr;
    expect(secondQr).toMatch(/^2@SANDBOX/);
    expect(secondQr).not.toBe(firstQr);
    sandbox.forget('unknown'); // no-op
  });
});
