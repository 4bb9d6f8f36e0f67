import { WAMessageStatus, proto, toNumber, type AuthenticationState, type WAMessage } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketLike } from '../../../src-main/whatsapp/socket.js';
import {
  SANDBOX_ACCOUNT_NAME,
  createSandbox,
  generateSandboxAccount,
  type SandboxController,
  type SandboxTiming,
} from '../../../src-main/whatsapp/sandbox/index.js';
import { describeClose } from '../../../src-main/whatsapp/baileys/failures.js';
import { FakeClock } from '../../helpers/clock.js';
import { freshAuth, ofType, record, serialise, silentLogger, socketOptions, type RecordedEvent } from './helpers.js';

const TIMING: Partial<SandboxTiming> = {
  connectMs: 100,
  qrFirstMs: 1_000,
  qrRotateMs: 20_000,
  restartAfterPairMs: 50,
  historyStartMs: 100,
  historyChunkMs: 200,
  deliveryMs: 1_000,
  readMs: 2_000,
  replyTypingMs: 500,
  replyMs: 1_000,
};

const controllers: SandboxController[] = [];
afterEach(() => {
  for (const c of controllers.splice(0)) c.stop();
});

function setup(options: { seed?: number; ratePerMinute?: number; historyComplete?: (id: string) => boolean } = {}) {
  const clock = new FakeClock();
  const sandbox = createSandbox({
    seed: options.seed ?? 11,
    ratePerMinute: options.ratePerMinute ?? 0,
    logger: silentLogger,
    now: clock.now,
    timers: clock.timerFns,
    timing: TIMING,
    ...(options.historyComplete ? { historyComplete: options.historyComplete } : {}),
  });
  controllers.push(sandbox);
  return { clock, sandbox };
}

function closeCode(events: RecordedEvent[]): number | undefined | 'none' {
  const close = ofType(events, 'connection.update').find((u) => u.connection === 'close');
  if (!close) return 'none';
  return (close.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
}

/** Pairs a session through the QR flow and returns the (now paired) auth state. */
function pairThroughQr(clock: FakeClock, sandbox: SandboxController, sessionId: string): AuthenticationState {
  const auth = freshAuth();
  sandbox.socketFactory(socketOptions(sessionId, auth));
  clock.advance(100 + 1_000);
  expect(sandbox.pair(sessionId)).toBe(true);
  clock.advance(50);
  return auth;
}

/** Opens a paired session and runs its history to the end. */
function openSynced(clock: FakeClock, sandbox: SandboxController, sessionId: string) {
  const auth = pairThroughQr(clock, sandbox, sessionId);
  const sock = sandbox.socketFactory(socketOptions(sessionId, auth));
  const events = record(sock);
  clock.advance(100 + 100 + 20 * 200);
  return { auth, sock, events };
}

describe('pairing', () => {
  it('walks connecting -> rotating QR -> pair -> 515 -> new socket opens', () => {
    const { clock, sandbox } = setup();
    const auth = freshAuth();
    const sock = sandbox.socketFactory(socketOptions('s1', auth));
    const events = record(sock);
    expect(sandbox.state('s1')).toMatchObject({ paired: false, waitingForPairing: false });
    clock.advance(0);
    expect(ofType(events, 'connection.update')[0]).toMatchObject({ connection: 'connecting' });
    // Not yet up: the phone cannot pair.
    expect(sandbox.pair('s1')).toBe(false);
    clock.advance(100 + 999);
    expect(ofType(events, 'connection.update').filter((u) => u.qr)).toHaveLength(0);
    clock.advance(1);
    const qrs = () => ofType(events, 'connection.update').map((u) => u.qr).filter((q): q is string => !!q);
    expect(qrs()).toHaveLength(1);
    expect(sandbox.state('s1').waitingForPairing).toBe(true);
    clock.advance(20_000);
    clock.advance(20_000);
    expect(qrs()).toHaveLength(3);
    expect(new Set(qrs()).size).toBe(3);
    expect(qrs()[0]).toMatch(/^2@[^,]+,[^,]+,[^,]+,[^,]+$/);

    expect(sandbox.pair('s1')).toBe(true);
    const creds = ofType(events, 'creds.update').at(-1)!;
    expect(creds.me?.id).toMatch(/^[0-9]+:1@s\.whatsapp\.net$/);
    expect(creds.me?.lid).toMatch(/^[0-9]+:1@lid$/);
    expect(creds.account).toBeTruthy();
    // The socket merged the update into the auth state, like makeWASocket does.
    expect(auth.creds.account).toBeTruthy();
    expect(auth.creds.me?.name).toBe(SANDBOX_ACCOUNT_NAME);
    expect(ofType(events, 'connection.update').some((u) => u.isNewLogin === true)).toBe(true);
    expect(sandbox.state('s1').paired).toBe(true);
    expect(sandbox.pair('s1')).toBe(false);
    clock.advance(50);
    expect(closeCode(events)).toBe(515);
    // No more QR codes after pairing.
    const qrCount = qrs().length;
    clock.advance(60_000);
    expect(qrs()).toHaveLength(qrCount);

    const second = sandbox.socketFactory(socketOptions('s1', auth));
    const secondEvents = record(second);
    clock.advance(100);
    expect(ofType(secondEvents, 'connection.update').some((u) => u.connection === 'open')).toBe(true);
    expect(ofType(secondEvents, 'connection.update').some((u) => u.qr)).toBe(false);
    expect(second.user?.name).toBe(SANDBOX_ACCOUNT_NAME);
    expect(second.user?.id).toBe(creds.me?.id);
    expect(sandbox.state('s1')).toMatchObject({ paired: true, waitingForPairing: false });
  });

  it('completes a pairing code with pair(); the code is 8 characters and the number is the one typed', async () => {
    const { clock, sandbox } = setup();
    const auth = freshAuth();
    const sock = sandbox.socketFactory(socketOptions('s2', auth));
    await expect(sock.requestPairingCode('4915112345678')).rejects.toMatchObject({ output: { statusCode: 428 } });
    clock.advance(100);
    await expect(sock.requestPairingCode('12ab')).rejects.toMatchObject({ output: { statusCode: 400 } });
    const code = await sock.requestPairingCode('4915112345678');
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    expect(auth.creds.me?.id).toBe('4915112345678@s.whatsapp.net');
    expect(auth.creds.account).toBeFalsy();
    expect(sandbox.state('s2')).toMatchObject({ paired: false, waitingForPairing: true });
    expect(sandbox.pair('s2')).toBe(true);
    expect(auth.creds.me?.id).toBe('4915112345678:1@s.whatsapp.net');
    const events = record(sock);
    clock.advance(50);
    expect(closeCode(events)).toBe(515);
    const reopened = sandbox.socketFactory(socketOptions('s2', auth));
    clock.advance(100);
    expect(reopened.user?.id).toBe('4915112345678:1@s.whatsapp.net');
  });

  it('can give up after a number of QR codes (408), like Baileys when the refs run out', () => {
    const clock = new FakeClock();
    const sandbox = createSandbox({ seed: 1, ratePerMinute: 0, logger: silentLogger, now: clock.now, timers: clock.timerFns, timing: { ...TIMING, maxQrCodes: 2 } });
    controllers.push(sandbox);
    const sock = sandbox.socketFactory(socketOptions('q', freshAuth()));
    const events = record(sock);
    clock.advance(100 + 1_000 + 40_000);
    expect(ofType(events, 'connection.update').filter((u) => u.qr)).toHaveLength(2);
    expect(closeCode(events)).toBe(408);
    expect(clock.pendingCount).toBe(0);
  });

  it('pair() of an unknown session is false', () => {
    const { sandbox } = setup();
    expect(sandbox.pair('nobody')).toBe(false);
    expect(sandbox.state('nobody')).toEqual({ paired: false, waitingForPairing: false, reachable: true, presence: [], sent: 0, received: [], readReceipts: [] });
  });

  it('simulates an unreachable WhatsApp: the socket closes with a 408 WebSocket error before any QR, as Baileys reports it', () => {
    const { clock, sandbox } = setup();
    sandbox.setReachable('u', false);
    expect(sandbox.state('u').reachable).toBe(false);
    const sock = sandbox.socketFactory(socketOptions('u', freshAuth()));
    const events = record(sock);
    clock.advance(100);
    const updates = ofType(events, 'connection.update');
    expect(updates.some((u) => u.qr)).toBe(false);
    expect(updates[0]).toMatchObject({ connection: 'connecting' });
    expect(closeCode(events)).toBe(408);
    const error = updates.find((u) => u.connection === 'close')!.lastDisconnect!.error!;
    // What the adapter reads (whatsapp/baileys/failures.ts describeClose), like a real ws ETIMEDOUT.
    expect(describeClose(error)).toEqual({ statusCode: 408, reason: 'WebSocket Error (connect ETIMEDOUT 157.240.0.60:443)' });
    expect(clock.pendingCount).toBe(0);
    // The network comes back: the next socket shows its QR.
    sandbox.setReachable('u', true);
    const again = record(sandbox.socketFactory(socketOptions('u', freshAuth())));
    clock.advance(100 + 1_000);
    expect(ofType(again, 'connection.update').filter((u) => u.qr)).toHaveLength(1);
  });
});

describe('history sync', () => {
  it('sends the whole account as chunks with rising progress, then contacts, and never again once processed', () => {
    const { clock, sandbox } = setup();
    const { auth, events } = openSynced(clock, sandbox, 'h1');
    const sets = ofType(events, 'messaging-history.set');
    expect(sets.length).toBeGreaterThanOrEqual(10);
    expect(sets.length).toBeLessThanOrEqual(20);
    const progress = sets.map((s) => s.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    expect(progress[0]).toBeLessThan(50);
    // isLatest as Baileys sets it: only the first chunk of a fresh sync.
    expect(sets.map((s) => s.isLatest)).toEqual([true, ...Array(sets.length - 1).fill(false)]);
    expect(sets.map((s) => s.chunkOrder)).toEqual(sets.map((_, i) => i));
    const total = sets.reduce((n, s) => n + s.messages.length, 0);
    expect(total).toBeGreaterThanOrEqual(5000);
    expect(sets.some((s) => (s.lidPnMappings ?? []).length > 0)).toBe(true);
    expect(sets.some((s) => s.contacts.some((c) => c.notify))).toBe(true);
    expect(sets[0]!.chats.length).toBeGreaterThanOrEqual(33);
    expect(sets[0]!.chats.some((c) => c.id?.endsWith('@newsletter') && c.name && c.description)).toBe(true);
    // Messages are real protobuf objects with Long timestamps, as Baileys delivers them.
    const sample = sets[3]!.messages[0]!;
    expect(sample).toBeInstanceOf(proto.WebMessageInfo);
    expect(typeof sample.messageTimestamp).toBe('object');
    // Status events: bootstrap complete, then recent complete before the last chunk.
    const statuses = ofType(events, 'messaging-history.status');
    expect(statuses.map((s) => s.syncType)).toEqual([proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP, proto.HistorySync.HistorySyncType.RECENT]);
    expect(statuses.every((s) => s.status === 'complete')).toBe(true);
    // App-state contacts afterwards.
    const contacts = ofType(events, 'contacts.upsert').flat();
    expect(contacts.length).toBeGreaterThan(20);
    expect(contacts.every((c) => !!c.name)).toBe(true);
    expect(ofType(events, 'lid-mapping.update').length).toBeGreaterThan(0);
    expect(auth.creds.processedHistoryMessages).toHaveLength(sets.length);

    // A later connection of the same session does not resend anything.
    const again = sandbox.socketFactory(socketOptions('h1', auth));
    const againEvents = record(again);
    clock.advance(10_000);
    expect(ofType(againEvents, 'connection.update').some((u) => u.connection === 'open')).toBe(true);
    expect(ofType(againEvents, 'messaging-history.set')).toHaveLength(0);
  });

  it('resumes an interrupted sync at the first unprocessed chunk (with the same data)', () => {
    const { clock, sandbox } = setup();
    const auth = pairThroughQr(clock, sandbox, 'h2');
    const sock = sandbox.socketFactory(socketOptions('h2', auth));
    const events = record(sock);
    clock.advance(100 + 100 + 2 * 200);
    const firstRun = ofType(events, 'messaging-history.set');
    expect(firstRun).toHaveLength(3);
    void sock.end(new Error('network dropped') as never);
    clock.advance(5_000);
    expect(ofType(events, 'messaging-history.set')).toHaveLength(3);

    const resumed = sandbox.socketFactory(socketOptions('h2', auth));
    const resumedEvents = record(resumed);
    clock.advance(100 + 100 + 20 * 200);
    const secondRun = ofType(resumedEvents, 'messaging-history.set');
    expect(secondRun[0]!.chunkOrder).toBe(3);
    expect(secondRun[0]!.isLatest).toBe(false);
    expect(firstRun.length + secondRun.length).toBeGreaterThanOrEqual(10);
    expect(secondRun.at(-1)!.progress).toBe(100);

    // The same session history from a fresh controller (a restarted gateway) has identical content.
    const { clock: clock2, sandbox: sandbox2 } = setup();
    const replay = sandbox2.socketFactory(socketOptions('h2', { creds: { ...auth.creds, processedHistoryMessages: [] }, keys: auth.keys }));
    const replayEvents = record(replay);
    clock2.advance(100 + 100 + 20 * 200);
    const replaySets = ofType(replayEvents, 'messaging-history.set');
    expect(serialise(replaySets[4]!.messages)).toBe(serialise(secondRun[1]!.messages));
  });

  it('skips the history when the gateway says it is complete', () => {
    const { clock, sandbox } = setup({ historyComplete: (id) => id === 'h3' });
    const auth = pairThroughQr(clock, sandbox, 'h3');
    const sock = sandbox.socketFactory(socketOptions('h3', auth));
    const events = record(sock);
    clock.advance(10_000);
    expect(ofType(events, 'connection.update').some((u) => u.connection === 'open')).toBe(true);
    expect(ofType(events, 'messaging-history.set')).toHaveLength(0);
  });
});

describe('sending', () => {
  function openFast(ratePerMinute = 0) {
    const { clock, sandbox } = setup({ historyComplete: () => true, ratePerMinute });
    const auth = pairThroughQr(clock, sandbox, 'tx');
    const sock = sandbox.socketFactory(socketOptions('tx', auth));
    const events = record(sock);
    clock.advance(100);
    const account = generateSandboxAccount(11);
    return { clock, sandbox, sock, events, account };
  }

  it('echoes a send (SERVER_ACK), appends it, then DELIVERY_ACK and READ', async () => {
    const { clock, sandbox, sock, events, account } = openFast();
    const dm = account.chats.find((c) => c.kind === 'dm' && c.jid.endsWith('@s.whatsapp.net'))!;
    const echo = (await sock.sendMessage(dm.jid, { text: 'hello sandbox' }, { messageId: 'MYMSG0001' }))!;
    expect(echo.key).toMatchObject({ remoteJid: dm.jid, fromMe: true, id: 'MYMSG0001' });
    expect(echo.status).toBe(WAMessageStatus.SERVER_ACK);
    expect(echo.message?.extendedTextMessage?.text ?? echo.message?.conversation).toBe('hello sandbox');
    expect(Number(toNumber(echo.messageTimestamp!))).toBe(Math.floor(clock.now() / 1000));
    expect(sandbox.state('tx').sent).toBe(1);
    expect(ofType(events, 'messages.upsert')).toHaveLength(0);
    clock.advance(0);
    const upserts = ofType(events, 'messages.upsert');
    expect(upserts).toHaveLength(1);
    expect(upserts[0]!.type).toBe('append');
    expect(upserts[0]!.messages[0]!.key.id).toBe('MYMSG0001');
    const statusesOf = () => ofType(events, 'messages.update').flat().filter((u) => u.key.id === 'MYMSG0001').map((u) => u.update.status);
    expect(statusesOf()).toEqual([]);
    clock.advance(1_000);
    expect(statusesOf()).toEqual([WAMessageStatus.DELIVERY_ACK]);
    clock.advance(2_000);
    expect(statusesOf()).toEqual([WAMessageStatus.DELIVERY_ACK, WAMessageStatus.READ]);
  });

  it('uses group receipts for groups, fails sends to 000... numbers with 463, and refuses when closed', async () => {
    const { clock, sock, events, account } = openFast();
    const group = account.chats.find((c) => c.kind === 'group')!;
    await sock.sendMessage(group.jid, { text: 'hi all' }, { messageId: 'GRP1' });
    clock.advance(3_000);
    const receipts = ofType(events, 'message-receipt.update').flat().filter((r) => r.key.id === 'GRP1');
    expect(receipts.some((r) => r.receipt.receiptTimestamp)).toBe(true);
    expect(receipts.some((r) => r.receipt.readTimestamp)).toBe(true);

    await sock.sendMessage('0001234567@s.whatsapp.net', { text: 'nobody' }, { messageId: 'FAIL1' });
    clock.advance(1_000);
    const failure = ofType(events, 'messages.update').flat().find((u) => u.key.id === 'FAIL1');
    expect(failure?.update).toMatchObject({ status: WAMessageStatus.ERROR, messageStubParameters: ['463'] });

    await expect(sock.sendMessage('not-a-jid', { text: 'x' })).rejects.toMatchObject({ output: { statusCode: 400 } });
    await sock.end(undefined);
    await expect(sock.sendMessage(group.jid, { text: 'late' })).rejects.toMatchObject({ output: { statusCode: 428 } });
  });

  it('quotes the message being replied to', async () => {
    const { sock, account } = openFast();
    const dm = account.chats.find((c) => c.kind === 'dm')!;
    const quoted = account.messages.filter((m) => m.key.remoteJid === dm.jid && m.message?.conversation).at(-1)!;
    const echo = (await sock.sendMessage(dm.jid, { text: 'replying' }, { messageId: 'RPL1', quoted }))!;
    expect(echo.message?.extendedTextMessage?.contextInfo?.stanzaId).toBe(quoted.key.id);
  });

  it('has the other side answer some DMs (typing, then a reply quoting us) when live traffic is on', async () => {
    const { clock, sock, events, account } = openFast(0.0001);
    const dms = account.chats.filter((c) => c.kind === 'dm' && c.jid.endsWith('@s.whatsapp.net')).slice(0, 6);
    for (const [i, dm] of dms.entries()) await sock.sendMessage(dm.jid, { text: `ping ${i}` }, { messageId: `PING${i}` });
    clock.advance(1_000 + 2_000 + 500 + 1_000);
    const replies = ofType(events, 'messages.upsert').filter((u) => u.type === 'notify').flatMap((u) => u.messages);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((r) => r.message?.extendedTextMessage?.contextInfo?.stanzaId?.startsWith('PING'))).toBe(true);
    expect(ofType(events, 'presence.update').some((p) => Object.values(p.presences)[0]?.lastKnownPresence === 'composing')).toBe(true);
  });
});

describe('presence, channels, lifecycle', () => {
  function openFast() {
    const { clock, sandbox } = setup({ historyComplete: () => true });
    const auth = pairThroughQr(clock, sandbox, 'p1');
    const sock = sandbox.socketFactory(socketOptions('p1', auth));
    const events = record(sock);
    clock.advance(100);
    return { clock, sandbox, sock, events, auth };
  }

  it('records presence updates in state(), newest last and bounded', async () => {
    const { clock, sandbox, sock } = openFast();
    await sock.sendPresenceUpdate('composing', '4915112345678@s.whatsapp.net');
    clock.advance(1_000);
    await sock.sendPresenceUpdate('paused', '4915112345678@s.whatsapp.net');
    const { presence } = sandbox.state('p1');
    expect(presence).toEqual([
      { jid: '4915112345678@s.whatsapp.net', state: 'composing', at: clock.now() - 1_000 },
      { jid: '4915112345678@s.whatsapp.net', state: 'paused', at: clock.now() },
    ]);
    for (let i = 0; i < 150; i++) await sock.sendPresenceUpdate('recording', `${1000000 + i}@s.whatsapp.net`);
    const bounded = sandbox.state('p1').presence;
    expect(bounded).toHaveLength(100);
    expect(bounded.at(-1)!.jid).toBe('1000149@s.whatsapp.net');
    await expect(sock.presenceSubscribe('4915112345678@s.whatsapp.net')).resolves.toBeUndefined();
  });

  it('creates channels with fresh newsletter ids and follows idempotently', async () => {
    const { sock } = openFast();
    const a = await sock.newsletterCreate('My channel', 'about things');
    const b = await sock.newsletterCreate('Another');
    expect(a.id).toMatch(/^[0-9]+@newsletter$/);
    expect(b.id).not.toBe(a.id);
    expect(a).toMatchObject({ name: 'My channel', description: 'about things' });
    expect(a.creation_time).toBeGreaterThan(0);
    await expect(sock.newsletterFollow('120363999999999999@newsletter')).resolves.toBeUndefined();
    await expect(sock.newsletterFollow('120363999999999999@newsletter')).resolves.toBeUndefined();
    await expect(sock.newsletterFollow('nope')).rejects.toMatchObject({ output: { statusCode: 400 } });
    await expect(sock.newsletterCreate('  ')).rejects.toMatchObject({ output: { statusCode: 400 } });
  });

  it('logout closes with 401; end() closes with the given error and stops the timers', async () => {
    const { clock, sandbox, sock, events, auth } = openFast();
    await sock.logout();
    expect(closeCode(events)).toBe(401);
    expect(sandbox.state('p1').paired).toBe(false);

    const other = sandbox.socketFactory(socketOptions('p1', auth));
    const otherEvents = record(other);
    clock.advance(100);
    await other.end(undefined);
    const close = ofType(otherEvents, 'connection.update').find((u) => u.connection === 'close')!;
    expect(close.lastDisconnect?.error).toBeUndefined();
    expect(clock.pendingCount).toBe(0);
    await other.end(undefined);
    expect(ofType(otherEvents, 'connection.update').filter((u) => u.connection === 'close')).toHaveLength(1);
  });

  it('replaces the previous socket of a session (440) and can drop a connection on request', () => {
    const { clock, sandbox, events, auth } = openFast();
    const next = sandbox.socketFactory(socketOptions('p1', auth));
    expect(closeCode(events)).toBe(440);
    const nextEvents = record(next);
    clock.advance(100);
    expect(sandbox.disconnect('p1', 503)).toBe(true);
    expect(closeCode(nextEvents)).toBe(503);
    expect(sandbox.disconnect('p1')).toBe(false);
  });

  it('stop() clears every timer and emits nothing more', () => {
    const clock = new FakeClock();
    const sandbox = createSandbox({ seed: 2, ratePerMinute: 30, logger: silentLogger, now: clock.now, timers: clock.timerFns, timing: TIMING });
    const unpaired = sandbox.socketFactory(socketOptions('a', freshAuth()));
    const events = record(unpaired);
    clock.advance(2_000);
    expect(clock.pendingCount).toBeGreaterThan(0);
    const before = events.length;
    sandbox.stop();
    expect(clock.pendingCount).toBe(0);
    clock.advance(60_000);
    expect(events.length).toBe(before);
    expect(() => sandbox.socketFactory(socketOptions('b', freshAuth()))).toThrow(/stopped/);
  });

  it('validates its options', () => {
    expect(() => createSandbox({ seed: Number.NaN, ratePerMinute: 1, logger: silentLogger })).toThrow(/seed/);
    expect(() => createSandbox({ seed: 1, ratePerMinute: -1, logger: silentLogger })).toThrow(/ratePerMinute/);
  });
});

describe('live traffic', () => {
  function runLive(seed: number, minutes: number) {
    const { clock, sandbox } = setup({ seed, ratePerMinute: 30 });
    const { sock, events } = openSynced(clock, sandbox, 'live');
    const start = events.length;
    clock.advance(minutes * 60_000);
    return { sock, events: events.slice(start), all: events };
  }

  it('delivers incoming messages at about the configured rate, of several kinds, as Baileys would', () => {
    const { events } = runLive(5, 10);
    const notify = ofType(events, 'messages.upsert').filter((u) => u.type === 'notify').flatMap((u) => u.messages);
    // 30/min for 10 min = ~300 events (some are mapping updates or retries).
    expect(notify.length).toBeGreaterThan(180);
    expect(notify.length).toBeLessThan(420);
    for (const m of notify) {
      expect(m).toBeInstanceOf(proto.WebMessageInfo);
      expect(m.key.fromMe).toBe(false);
      expect(proto.WebMessageInfo.decode(proto.WebMessageInfo.encode(m).finish()).key?.id).toBe(m.key.id);
    }
    expect(notify.some((m) => m.key.remoteJid!.endsWith('@newsletter') && m.key.server_id === m.key.id)).toBe(true);
    expect(notify.some((m) => m.key.addressingMode === 'lid' && m.key.participant?.endsWith('@lid'))).toBe(true);
    expect(notify.some((m) => !!m.key.participantAlt || !!m.key.remoteJidAlt)).toBe(true);
    // Side events Baileys derives from messages.
    expect(ofType(events, 'messages.reaction').length).toBeGreaterThan(0);
    expect(ofType(events, 'chats.update').flat().some((c) => c.unreadCount === 1)).toBe(true);
    expect(ofType(events, 'contacts.update').flat().some((c) => !!c.notify)).toBe(true);
    const updates = ofType(events, 'messages.update').flat();
    expect(updates.some((u) => u.update.message?.editedMessage) || updates.some((u) => u.update.messageStubType === 1)).toBe(true);
  });

  it('is deterministic: same seed, same events; another seed, other events', () => {
    const a = runLive(9, 3);
    const b = runLive(9, 3);
    expect(serialise(a.all)).toBe(serialise(b.all));
    const c = runLive(10, 3);
    expect(serialise(c.all)).not.toBe(serialise(a.all));
  });

  it('sends nothing live when the rate is 0', () => {
    const { clock, sandbox } = setup({ ratePerMinute: 0 });
    const { events } = openSynced(clock, sandbox, 'quiet');
    const start = events.length;
    clock.advance(30 * 60_000);
    expect(events.slice(start)).toHaveLength(0);
  });
});

// Keeps the type import used when the helper types change.
export type { SocketLike, WAMessage };
