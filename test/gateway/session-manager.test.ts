/**
 * The session manager's reconnect behaviour per disconnect code, driven with a fake clock and a client
 * factory at the port that reports what a Baileys socket would.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../src-main/core/events.js';
import type { ClientContext, WhatsAppClient } from '../../src-main/core/whatsapp-port.js';
import { PAIRING_MAX_ATTEMPTS } from '../../src-main/gateway/reconnect-policy.js';
import { createSessionManager } from '../../src-main/gateway/session-manager.js';
import type { Store } from '../../src-main/store/index.js';
import { FakeClock } from '../helpers/clock.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { unusedActions } from '../helpers/fake-client.js';

interface Made {
  ctx: ClientContext;
  closed: boolean;
}

describe('session manager', () => {
  let t: TempStore;
  let store: Store;
  let clock: FakeClock;
  let made: Made[];
  let events: GatewayEvent[];
  let orgId: string;

  const me = { jid: '6280000000001@s.whatsapp.net', lid: '1111@lid', phoneNumber: '6280000000001' };

  function manager() {
    return createSessionManager({
      store,
      publisher: { publish: (e) => events.push(e) },
      logger: pino({ level: 'silent' }),
      baileysFactory: (ctx) => {
        const m: Made = { ctx, closed: false };
        made.push(m);
        const client: WhatsAppClient = {
          ...unusedActions,
          sandbox: false,
          async connect() {
            ctx.hooks.onUpdate({ kind: 'connecting' });
          },
          async close() {
            m.closed = true;
          },
          async logout() {},
          async requestPairingCode() {
            return 'CODE';
          },
          async sendPresence() {},
          async sendText() {
            return { waMessageId: 'x', status: 'pending', timestamp: 0 };
          },
          async createChannel() {
            throw new Error('unused');
          },
          async followChannel() {},
          async fetchHistory() {},
          async groupMetadata(jid: string) {
            return { jid };
          },
        };
        return client;
      },
      sandboxFactory: null,
      now: clock.now,
      timers: clock,
      random: () => 0.5,
    });
  }

  const last = () => made[made.length - 1]!;
  const status = (id: string) => store.sessions.get(id)!.status;

  beforeEach(() => {
    t = tempStore();
    store = t.store;
    orgId = t.organizationId;
    clock = new FakeClock();
    made = [];
    events = [];
  });
  afterEach(() => t.cleanup());

  async function pairedAndOpen() {
    const sm = manager();
    const s = sm.create({ organizationId: orgId, start: true });
    await Promise.resolve();
    last().ctx.hooks.onUpdate({ kind: 'open', me });
    expect(status(s.id)).toBe('working');
    expect(sm.liveClient(s.id)).toBeDefined();
    return { sm, id: s.id };
  }

  it('515 restartRequired: a new client at once, same session', async () => {
    const { sm, id } = await pairedAndOpen();
    last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 515, reason: 'restart required' });
    expect(sm.liveClient(id)).toBeUndefined();
    expect(made).toHaveLength(1);
    clock.advance(0);
    expect(made).toHaveLength(2);
    last().ctx.hooks.onUpdate({ kind: 'open', me });
    expect(status(id)).toBe('working');
  });

  it('401 loggedOut: no reconnect, auth wiped, status logged_out', async () => {
    const { id } = await pairedAndOpen();
    store.authState.saveCreds(id, '{"creds":true}');
    store.authState.setKeys(id, [{ type: 'pre-key', id: '1', value: '{}' }]);
    last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 401, reason: 'logged out' });
    clock.advance(120_000);
    expect(made).toHaveLength(1);
    expect(status(id)).toBe('logged_out');
    expect(store.authState.getCreds(id)).toBeUndefined();
    expect(store.authState.getKeys(id, 'pre-key', ['1']).size).toBe(0);
    expect(store.sessions.get(id)!.wa_jid).toBeNull();
  });

  it('440 connectionReplaced: stops, no loop', async () => {
    const { id } = await pairedAndOpen();
    last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 440, reason: 'replaced' });
    clock.advance(10 * 60_000);
    expect(made).toHaveLength(1);
    expect(status(id)).toBe('failed');
  });

  it('transient codes back off with jitter, capped, and reset after a successful open', async () => {
    const { id } = await pairedAndOpen();
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 428, reason: 'lost' });
      expect(status(id)).toBe('starting');
      delays.push(clock.pending()[0]!);
      const before = made.length;
      clock.advance(delays[i]! - 1);
      expect(made.length).toBe(before); // not before the delay
      clock.advance(1);
      expect(made.length).toBe(before + 1);
    }
    // full jitter with random 0.5: half of min(60 s, 1 s * 2^n)
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    last().ctx.hooks.onUpdate({ kind: 'open', me });
    last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 503, reason: 'unavailable' });
    expect(clock.pending()[0]).toBe(500);
  });

  it('an unpaired session stops when the pairing attempt times out (408)', async () => {
    const sm = manager();
    const s = sm.create({ organizationId: orgId, start: true });
    await Promise.resolve();
    last().ctx.hooks.onUpdate({ kind: 'qr', code: 'q1', expiresAt: clock.now() + 60_000 });
    expect(status(s.id)).toBe('scan_qr_code');
    expect(sm.qr(orgId, s.id).code).toBe('q1');
    last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 408, reason: 'QR refs attempts ended' });
    clock.advance(120_000);
    expect(made).toHaveLength(1);
    expect(status(s.id)).toBe('stopped');
  });

  it('events from a stale client are ignored; exactly one client per session', async () => {
    const { sm, id } = await pairedAndOpen();
    const stale = last();
    sm.restart(orgId, id);
    await expect.poll(() => stale.closed).toBe(true);
    expect(made).toHaveLength(2);
    const before = events.length;
    stale.ctx.hooks.onUpdate({ kind: 'closed', statusCode: 515, reason: 'late' });
    stale.ctx.hooks.onUpdate({ kind: 'open', me });
    clock.advance(1000);
    expect(made).toHaveLength(2);
    expect(events.slice(before)).toEqual([]);
    // starting twice does not make a second client
    sm.start(orgId, id);
    expect(made).toHaveLength(2);
  });

  it('every paired session that was running restarts when the gateway starts; leftovers become stopped', async () => {
    const sm = manager();
    const paired = sm.create({ organizationId: orgId });
    const unpaired = sm.create({ organizationId: orgId });
    store.sessions.update(paired.id, { waJid: me.jid, desiredRunning: true, status: 'working' });
    store.sessions.update(unpaired.id, { desiredRunning: true, status: 'scan_qr_code' });
    const next = manager();
    next.resumeAll();
    expect(made.map((m) => m.ctx.sessionId)).toEqual([paired.id]);
    expect(status(unpaired.id)).toBe('stopped');
  });

  it('deleting a session stops its client and publishes its last status with deleted: true (readers drop it)', async () => {
    const { sm, id } = await pairedAndOpen();
    const before = events.length;
    await sm.delete(orgId, id);
    expect(last().closed).toBe(true);
    expect(store.sessions.get(id)).toBeUndefined();
    expect(events.slice(before)).toEqual([
      expect.objectContaining({ event: 'session.status', sessionId: id, organizationId: orgId, payload: expect.objectContaining({ id, deleted: true, live: false, status: 'stopped' }) }),
    ]);
    await expect(sm.delete(orgId, id)).rejects.toMatchObject({ code: 'not_found' });
  });

  describe('pairing when WhatsApp cannot be reached (issue 13)', () => {
    /** Each client fails like a socket without a route: 'connecting', then a 408 close before any QR. */
    function unreachable(sm: ReturnType<typeof manager>) {
      const fail = () => last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 408, reason: 'WebSocket Error (connect ETIMEDOUT)' });
      return { sm, fail };
    }

    it('retries a few times with spaced-out delays, then stops as failed with a reason; no storm of attempts', async () => {
      const { sm, fail } = unreachable(manager());
      const s = sm.create({ organizationId: orgId, start: true });
      await Promise.resolve();
      expect(made).toHaveLength(1);
      const delays: number[] = [];
      for (let i = 1; i < PAIRING_MAX_ATTEMPTS; i++) {
        fail();
        expect(status(s.id)).toBe('starting');
        expect(store.sessions.get(s.id)!.last_error_reason).toBe("Can't reach WhatsApp (timeout)");
        delays.push(clock.pending()[0]!);
        // Asking for the QR meanwhile (a UI, a script polling) starts nothing: the retry is already planned.
        for (let k = 0; k < 20; k++) expect(() => sm.qr(orgId, s.id)).toThrow(/no QR code yet/);
        clock.advance(delays[i - 1]! - 1);
        expect(made).toHaveLength(i);
        clock.advance(1);
        expect(made).toHaveLength(i + 1);
      }
      // Equal jitter with random 0.5: 3/4 of min(30 s, 2 s * 2^n).
      expect(delays).toEqual([1500, 3000, 6000]);
      fail();
      expect(status(s.id)).toBe('failed');
      clock.advance(30 * 60_000);
      expect(made).toHaveLength(PAIRING_MAX_ATTEMPTS);
      const session = sm.get(orgId, s.id);
      expect(session.lastError).toEqual({ code: 'unreachable', reason: "Can't reach WhatsApp (timeout)", at: clock.now() - 30 * 60_000 });
      expect(store.sessions.get(s.id)!.desired_running).toBe(0);
      // The last status event says why: the UI needs no other request.
      const lastStatus = events.filter((e) => e.event === 'session.status').at(-1)!;
      expect(lastStatus.payload).toMatchObject({ status: 'failed', lastError: { code: 'unreachable' } });
      // A gateway restart does not resume it.
      const next = manager();
      next.resumeAll();
      expect(made).toHaveLength(PAIRING_MAX_ATTEMPTS);
    });

    it('Retry (start) gets a new run of attempts; a QR on screen clears the error; an open connection too', async () => {
      const { sm, fail } = unreachable(manager());
      const s = sm.create({ organizationId: orgId, start: true });
      await Promise.resolve();
      for (let i = 1; i < PAIRING_MAX_ATTEMPTS; i++) {
        fail();
        clock.advance(clock.pending()[0]!);
      }
      fail();
      expect(status(s.id)).toBe('failed');
      sm.start(orgId, s.id);
      await Promise.resolve();
      expect(made).toHaveLength(PAIRING_MAX_ATTEMPTS + 1);
      expect(sm.get(orgId, s.id).lastError?.code).toBe('unreachable'); // still the truth until WhatsApp answers
      fail();
      expect(status(s.id)).toBe('starting'); // a fresh run: retried, not given up
      clock.advance(clock.pending()[0]!);
      last().ctx.hooks.onUpdate({ kind: 'qr', code: 'q1', expiresAt: clock.now() + 60_000 });
      expect(sm.get(orgId, s.id)).toMatchObject({ status: 'scan_qr_code', lastError: null });
      // Nobody scans: the codes run out.
      last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 408, reason: 'QR refs attempts ended' });
      expect(sm.get(orgId, s.id)).toMatchObject({ status: 'stopped', lastError: { code: 'qr_expired', reason: 'The QR code expired before it was scanned' } });
      clock.advance(10 * 60_000);
      expect(made).toHaveLength(PAIRING_MAX_ATTEMPTS + 2);
      sm.start(orgId, s.id);
      await Promise.resolve();
      last().ctx.hooks.onUpdate({ kind: 'open', me });
      expect(sm.get(orgId, s.id)).toMatchObject({ status: 'working', lastError: null });
    });

    it('a paired session that loses WhatsApp keeps reconnecting and shows why; logging out is no error', async () => {
      const { sm, id } = await pairedAndOpen();
      last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 408, reason: 'lost' });
      expect(sm.get(orgId, id)).toMatchObject({ status: 'starting', lastError: { code: 'timeout', reason: "Can't reach WhatsApp (timeout)" } });
      clock.advance(clock.pending()[0]!);
      last().ctx.hooks.onUpdate({ kind: 'closed', statusCode: 401, reason: 'logged out' });
      expect(sm.get(orgId, id)).toMatchObject({ status: 'logged_out', lastError: { code: 'logged_out', reason: expect.stringMatching(/^Logged out on the phone/) } });
      await sm.logout(orgId, id);
      expect(sm.get(orgId, id).lastError).not.toBeNull(); // already logged out: nothing changed
      const other = await pairedAndOpen();
      await other.sm.logout(orgId, other.id);
      expect(other.sm.get(orgId, other.id)).toMatchObject({ status: 'logged_out', lastError: null });
    });
  });

  describe('labels (issue 13)', () => {
    it('a label nobody gave is distinct, and becomes the formatted phone number once paired; a given label stays', async () => {
      const sm = manager();
      const a = sm.create({ organizationId: orgId });
      const b = sm.create({ organizationId: orgId });
      const named = sm.create({ organizationId: orgId, label: 'Work phone' });
      expect([a.label, b.label, named.label]).toEqual(['WhatsApp 1', 'WhatsApp 2', 'Work phone']);
      await sm.delete(orgId, a.id);
      expect(sm.create({ organizationId: orgId }).label).toBe('WhatsApp 1');
      sm.start(orgId, b.id);
      await Promise.resolve();
      last().ctx.hooks.onUpdate({ kind: 'open', me });
      expect(sm.get(orgId, b.id).label).toBe('+62 800 0000 0001');
      sm.start(orgId, named.id);
      await Promise.resolve();
      last().ctx.hooks.onUpdate({ kind: 'open', me });
      expect(sm.get(orgId, named.id).label).toBe('Work phone');
    });
  });
});
