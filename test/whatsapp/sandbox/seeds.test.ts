/**
 * Two sandbox sessions are two different simulated accounts: each session has its own seed (stored on the
 * session row by the session manager, read back through createSandbox's seedFor), so its number, contacts
 * and chats differ; the same seed gives the same account again.
 */
import { type AuthenticationState, type WAMessage } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createSandbox, type SandboxController } from '../../../src-main/whatsapp/sandbox/index.js';
import { createSessionManager } from '../../../src-main/gateway/session-manager.js';
import { FakeClock } from '../../helpers/clock.js';
import { tempStore, type TempStore } from '../../helpers/store.js';
import { freshAuth, ofType, record, silentLogger, socketOptions } from './helpers.js';

const controllers: SandboxController[] = [];
const stores: TempStore[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.stop();
  for (const s of stores.splice(0)) s.cleanup();
});

function setup(seeds: Record<string, number>) {
  const clock = new FakeClock();
  const sandbox = createSandbox({
    seed: 1,
    seedFor: (id) => seeds[id],
    ratePerMinute: 0,
    logger: silentLogger,
    now: clock.now,
    timers: clock.timerFns,
    timing: { connectMs: 100, qrFirstMs: 1_000, restartAfterPairMs: 50, historyStartMs: 100, historyChunkMs: 100 },
  });
  controllers.push(sandbox);
  return { clock, sandbox };
}

/** Pairs, reconnects and runs the history to its end: who we are and which chats the phone sent. */
function account(clock: FakeClock, sandbox: SandboxController, sessionId: string) {
  const auth: AuthenticationState = freshAuth();
  sandbox.socketFactory(socketOptions(sessionId, auth));
  clock.advance(1_100);
  expect(sandbox.pair(sessionId)).toBe(true);
  clock.advance(50);
  const events = record(sandbox.socketFactory(socketOptions(sessionId, auth)));
  clock.advance(100 + 100 + 60 * 100);
  const history = ofType(events, 'messaging-history.set');
  // Old-style group ids carry their creation time, anchored at the pairing: left out of the comparison.
  const chats = [...new Set(history.flatMap((h) => h.chats.map((c) => c.id)))].filter((j): j is string => !!j && !/-\d+@g\.us$/.test(j)).sort();
  return { me: auth.creds.me?.id, chats };
}

describe('sandbox seeds per session', () => {
  it('two sessions with different seeds are two different accounts; the same seed is the same account', () => {
    const { clock, sandbox } = setup({ a: 1, b: 987_654, c: 1 });
    const a = account(clock, sandbox, 'a');
    const b = account(clock, sandbox, 'b');
    const c = account(clock, sandbox, 'c');
    expect(a.me).toBeTruthy();
    expect(b.me).not.toBe(a.me);
    expect(b.chats).not.toEqual(a.chats);
    expect(c.me).toBe(a.me);
    expect(c.chats).toEqual(a.chats);
  });

  it('the session manager gives the first sandbox session seed 1 and every later one its own', () => {
    const t = tempStore();
    stores.push(t);
    t.store.organizations.create('org', 'Org', 1);
    const manager = createSessionManager({
      store: t.store,
      publisher: { publish: () => undefined },
      logger: pino({ level: 'silent' }),
      baileysFactory: () => {
        throw new Error('not used');
      },
      sandboxFactory: () => {
        throw new Error('not used');
      },
    });
    const ids = [1, 2, 3].map(() => manager.create({ organizationId: 'org', sandbox: true }).id);
    const seeds = ids.map((id) => t.store.sessions.get(id)!.sandbox_seed);
    expect(seeds[0]).toBe(1);
    expect(new Set(seeds).size).toBe(3);
    for (const s of seeds) expect(Number.isInteger(s) && s! > 0 && s! < 2 ** 31).toBe(true);
    // A real (non-sandbox) session has none.
    expect(t.store.sessions.get(manager.create({ organizationId: 'org' }).id)!.sandbox_seed).toBeNull();
  });
});
