/**
 * The session manager's reconnect behaviour per disconnect code, driven with a fake clock and a client
 * factory at the port that reports what a Baileys socket would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../src-main/core/events.js';
import type { ClientContext, WhatsAppClient } from '../../src-main/core/whatsapp-port.js';
import { createSessionManager, type Timers } from '../../src-main/gateway/session-manager.js';
import { openStore, type Store } from '../../src-main/store/index.js';

class FakeClock implements Timers {
  now = 1_000_000;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.queue.push({ at: this.now + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.queue = this.queue.filter((t) => t.id !== handle);
  }
  pending() {
    return this.queue.map((t) => t.at - this.now);
  }
  advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > until) break;
      this.queue.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = until;
  }
}

interface Made {
  ctx: ClientContext;
  closed: boolean;
}

describe('session manager', () => {
  let dir: string;
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
        };
        return client;
      },
      sandboxFactory: null,
      now: () => clock.now,
      timers: clock,
      random: () => 0.5,
    });
  }

  const last = () => made[made.length - 1]!;
  const status = (id: string) => store.sessions.get(id)!.status;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wagw-sm-'));
    store = openStore(join(dir, 'gateway.db'));
    clock = new FakeClock();
    made = [];
    events = [];
    orgId = store.organizations.create('01ORG00000000000000000000A', 'o').id;
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

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
    last().ctx.hooks.onUpdate({ kind: 'qr', code: 'q1', expiresAt: clock.now + 60_000 });
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
    await new Promise((r) => setTimeout(r, 0));
    expect(stale.closed).toBe(true);
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
});
