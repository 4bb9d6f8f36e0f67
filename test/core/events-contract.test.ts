/**
 * The event contract: every realtime event, from every producer that publishes it, matches the one payload
 * type of src-main/core/events.ts (as schemas in ./event-schemas.ts), which is also what the renderer reads
 * (src-renderer imports the same types through @core). Producers run for real:
 * - the session manager (src-main/gateway/session-manager.ts) with a client at the port;
 * - the app services behind real HTTP on a test gateway, read back from the durable event log;
 * - ingestion (src-main/whatsapp/ingest/) fed through Baileys' own event buffer;
 * - the Baileys adapter (src-main/whatsapp/baileys/adapter.ts) sending through a fake socket;
 * - the webhook service and delivery worker (src-main/webhooks) posting to a real loopback receiver;
 * - the media download queue (src-main/media/queue.ts) fetching from the sandbox's loopback CDN.
 * The last test fails when an event name has no producer covered, or a producer stops publishing one.
 */
import { makeEventBuffer, proto, type WAMessage } from '@whiskeysockets/baileys';
import processMessage from '@whiskeysockets/baileys/lib/Utils/process-message.js';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_NAMES, type GatewayEvent, type RealtimeEventName } from '../../src-main/core/events.js';
import type { WhatsAppClient } from '../../src-main/core/whatsapp-port.js';
import { createSessionManager } from '../../src-main/gateway/session-manager.js';
import { createBaileysClientFactory } from '../../src-main/whatsapp/baileys/adapter.js';
import { createSqliteAuthState } from '../../src-main/whatsapp/baileys/auth-state.js';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import type { SocketLike } from '../../src-main/whatsapp/socket.js';
import { ALICE, BASE_SECONDS, DAVE, ME as ACCOUNT, textMessage } from '../fixtures/baileys/corpus.js';
import { FakeClock } from '../helpers/clock.js';
import { startTestGateway } from '../helpers/gateway.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { recordingIngestor } from '../whatsapp/baileys/harness.js';
import { ME, boom, fakeSocketFactory } from '../whatsapp/baileys/fake-socket.js';
import { messageEvent, startReceiver, waitFor, wire } from '../webhooks/helpers.js';
import { join } from 'node:path';
import { createFileStore } from '../../src-main/media/file-store.js';
import { createMediaQueue } from '../../src-main/media/queue.js';
import { createSandboxMedia } from '../../src-main/whatsapp/sandbox/media-assets.js';
import { CHAT, storeMediaMessage } from '../media/helpers.js';
import { payloadProblems } from './event-schemas.js';
import { fakeWorld, unusedActions } from '../helpers/fake-client.js';

type Producer = 'session manager' | 'app services over HTTP' | 'ingestion' | 'adapter' | 'webhooks' | 'media queue';

/** Who must publish what. Typed by event name, so a new event without an entry fails to compile. */
const PRODUCERS: Record<RealtimeEventName, Producer[]> = {
  'auth.qr': ['session manager'],
  'session.status': ['session manager', 'app services over HTTP'],
  message: ['ingestion', 'adapter'],
  'message.status': ['ingestion', 'adapter'],
  'chat.deleted': ['app services over HTTP', 'ingestion'],
  'sync.progress': ['ingestion', 'app services over HTTP'],
  'webhook.test': ['webhooks'],
  'webhook.disabled': ['webhooks'],
  'media.downloaded': ['media queue'],
  'media.failed': ['media queue'],
  'message.removed': ['app services over HTTP'],
  'chat.updated': ['app services over HTTP'],
};

const silent = pino({ level: 'silent' });
const seen: { producer: Producer; event: string; payload: unknown }[] = [];
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function record(producer: Producer, events: { event: string; payload: unknown }[]): void {
  for (const e of events) seen.push({ producer, event: e.event, payload: e.payload });
}

function temp(): TempStore {
  const t = tempStore();
  cleanups.push(() => t.cleanup());
  return t;
}

describe('event contract: every producer against the shared payload types', () => {
  it('session manager: session.status (created, qr, working, deleted) and auth.qr', async () => {
    const t = temp();
    const clock = new FakeClock();
    const events: GatewayEvent[] = [];
    let hooks: Parameters<Parameters<typeof createSessionManager>[0]['baileysFactory']>[0]['hooks'] | undefined;
    const sm = createSessionManager({
      store: t.store,
      publisher: { publish: (e) => events.push(e) },
      logger: silent,
      baileysFactory: (ctx) => {
        hooks = ctx.hooks;
        return {
          ...unusedActions,
          sandbox: false,
          connect: async () => ctx.hooks.onUpdate({ kind: 'connecting' }),
          close: async () => {},
          logout: async () => {},
          requestPairingCode: async () => 'CODE',
          sendPresence: async () => {},
          sendText: async () => ({ waMessageId: 'x', status: 'pending', timestamp: 0 }),
          createChannel: async () => {
            throw new Error('unused');
          },
          followChannel: async () => {},
          fetchHistory: async () => {},
          groupMetadata: async (jid: string) => ({ jid }),
        } satisfies WhatsAppClient;
      },
      sandboxFactory: null,
      now: clock.now,
      timers: clock,
    });
    const s = sm.create({ organizationId: t.organizationId, start: true });
    await Promise.resolve();
    hooks!.onUpdate({ kind: 'qr', code: 'QR-1', expiresAt: clock.now() + 60_000 });
    hooks!.onUpdate({ kind: 'open', me: { jid: '6280000000001@s.whatsapp.net', lid: '1111@lid', phoneNumber: '6280000000001' } });
    await sm.delete(t.organizationId, s.id);
    record('session manager', events);
    expect(events.map((e) => e.event)).toContain('auth.qr');
    expect(events.at(-1)).toMatchObject({ event: 'session.status', payload: { id: s.id, deleted: true } });
  });

  it('app services over real HTTP: session.status from create/delete, chat.updated from a read, message.removed and chat.deleted from local deletes', async () => {
    const g = await startTestGateway();
    cleanups.push(() => g.close());
    const auth = g.key(['read', 'send', 'manage']);
    const created = await g.req('POST', '/api/v1/sessions', { auth, body: { label: 'contract' } });
    expect(created.status).toBe(201);
    const sid = created.body.id as string;
    g.seedChat(sid, '6281234567890@s.whatsapp.net', 2);
    const chat = `/api/v1/sessions/${sid}/chats/6281234567890%40s.whatsapp.net`;
    expect((await g.req('POST', `${chat}/read`, { auth })).status).toBe(200);
    expect((await g.req('DELETE', `${chat}/messages/m0?for=me`, { auth })).status).toBe(204);
    expect((await g.req('DELETE', chat, { auth })).status).toBe(204);
    expect((await g.req('DELETE', `/api/v1/sessions/${sid}`, { auth })).status).toBe(204);
    // What every reader gets: the durable event log behind the realtime socket (and, later, webhooks).
    const log = g.store.events.after(g.organizationId, 0, 1000).map((r) => ({ event: r.event, payload: JSON.parse(r.payload) as unknown }));
    record('app services over HTTP', log);
    expect(log.map((e) => e.event)).toEqual(['session.status', 'chat.updated', 'message.removed', 'chat.deleted', 'session.status']);
  });

  it('app services over real HTTP: sync.progress (with the chat) when a backfill is asked of a live session', async () => {
    const g = await startTestGateway({ baileysFactory: fakeWorld().factory });
    cleanups.push(() => g.close());
    const auth = g.key(['read', 'send', 'manage']);
    const created = await g.req('POST', '/api/v1/sessions', { auth, body: { label: 'live', start: true } });
    expect(created.status).toBe(201);
    const sid = created.body.id as string;
    await expect.poll(async () => (await g.req('GET', `/api/v1/sessions/${sid}`, { auth })).body.live).toBe(true);
    g.seedChat(sid, '6281234567890@s.whatsapp.net', 3);
    const before = g.store.events.after(g.organizationId, 0, 1000).length;
    expect((await g.req('POST', `/api/v1/sessions/${sid}/chats/6281234567890%40s.whatsapp.net:backfill`, { auth, body: {} })).status).toBe(202);
    const log = g.store.events
      .after(g.organizationId, 0, 1000)
      .slice(before)
      .map((r) => ({ event: r.event, payload: JSON.parse(r.payload) as unknown }));
    record('app services over HTTP', log);
    expect(log).toContainEqual({ event: 'sync.progress', payload: { state: 'syncing', progress: 0, chatJid: '6281234567890@s.whatsapp.net' } });
  });

  it('ingestion through the Baileys event buffer: message, message.status, chat.deleted (delete, LID merge), sync.progress', async () => {
    const t = temp();
    const row = t.seedSession({ patch: { waJid: ACCOUNT.pn, waLid: ACCOUNT.lid, phoneNumber: '15550000001' } });
    const events: GatewayEvent[] = [];
    const ingestor = createIngestor({ store: t.store, publisher: { publish: (e) => events.push(e) }, logger: silent, now: () => 1 });
    const ev = makeEventBuffer(silent);
    const detach = ingestor.attach(row.id, { ev, user: ACCOUNT.user } as unknown as SocketLike);
    cleanups.push(() => {
      detach();
      ev.destroy();
    });
    const processCtx = {
      shouldProcessHistoryMsg: false,
      ev,
      creds: { me: { id: ACCOUNT.user.id, lid: ACCOUNT.user.lid, name: 'Me' }, accountSettings: { unarchiveChats: false } },
      keyStore: {},
      signalRepository: {},
      logger: silent,
      options: {},
      getMessage: async () => undefined,
    } as unknown as Parameters<typeof processMessage>[1];
    const batch = async (fn: () => unknown) => {
      ev.buffer();
      try {
        await fn();
      } finally {
        ev.flush();
      }
    };
    const deliver = (msg: WAMessage, type: 'notify' | 'append' = 'notify') =>
      batch(async () => {
        ev.emit('messages.upsert', { messages: [msg], type });
        await processMessage(msg, processCtx);
      });

    await deliver(textMessage({ remoteJid: ALICE.pn, fromMe: false, id: 'C1' }, 'hello', 1));
    const mine = { remoteJid: ALICE.pn, fromMe: true, id: 'C2' };
    await deliver(textMessage(mine, 'mine', 2, {}, { status: proto.WebMessageInfo.Status.SERVER_ACK }), 'append');
    await batch(() => ev.emit('messages.update', [{ key: mine, update: { status: proto.WebMessageInfo.Status.READ } }]));
    const pn = '15550000009@s.whatsapp.net';
    await deliver(textMessage({ remoteJid: pn, fromMe: false, id: 'C3' }, 'phone', 3));
    await deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'C4' }, 'lid', 4, { addressingMode: 'lid' }));
    await deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'C5' }, 'alt', 5, { remoteJidAlt: pn, addressingMode: 'lid' }));
    await batch(() => ev.emit('chats.delete', [ALICE.pn]));
    ingestor.applyHistory(row.id, {
      chats: [],
      contacts: [],
      messages: [textMessage({ remoteJid: pn, fromMe: false, id: 'H1' }, 'old', -BASE_SECONDS / 2)],
      syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
      progress: 100,
      isLatest: true,
    } as never);
    // A backfill's answer: 'sync.progress' carrying the chat.
    ingestor.applyHistory(row.id, {
      chats: [{ id: pn, endOfHistoryTransfer: true }],
      contacts: [],
      messages: [textMessage({ remoteJid: pn, fromMe: false, id: 'H0' }, 'older', -BASE_SECONDS / 2 - 1)],
      syncType: proto.HistorySync.HistorySyncType.ON_DEMAND,
      progress: 100,
      isLatest: false,
    } as never);
    expect(events.filter((e) => e.event === 'sync.progress').at(-1)?.payload).toEqual({ state: 'complete', progress: 100, chatJid: pn });
    record('ingestion', events);
    const deleted = events.filter((e) => e.event === 'chat.deleted').map((e) => e.payload);
    expect(deleted).toEqual([{ chatJid: DAVE.lid, mergedInto: pn }, { chatJid: ALICE.pn }]);
  });

  it('adapter: message (our pending send), message.status (an edit with its body, a failure)', async () => {
    const t = temp();
    const row = t.seedSession();
    const sockets = fakeSocketFactory();
    const events: GatewayEvent[] = [];
    const auth = createSqliteAuthState(t.store.authState, row.id, silent);
    auth.state.creds.me = { ...ME };
    auth.state.creds.account = { details: Buffer.from('d'), accountSignatureKey: Buffer.alloc(32), accountSignature: Buffer.alloc(64) };
    auth.saveCreds();
    const client = createBaileysClientFactory({
      store: t.store,
      ingestor: recordingIngestor(t.store),
      logger: silent,
      socketFactory: sockets.factory,
      sandbox: false,
      now: () => 1_750_000_000_000,
      publisher: { publish: (e) => events.push(e) },
    })({ sessionId: row.id, organizationId: row.organization_id, fullHistory: false, hooks: { onUpdate: () => {} } });
    cleanups.push(() => client.close());
    await client.connect();
    sockets.last().open();
    const one = await client.sendText({ to: '6281111111111@s.whatsapp.net', text: 'one' });
    await client.editMessage({ chatJid: '6281111111111@s.whatsapp.net', waMessageId: one.waMessageId, fromMe: true }, 'one, edited');
    sockets.last().failSend = boom(500, 'boom');
    await client.sendText({ to: '6281111111111@s.whatsapp.net', text: 'two' }).catch(() => undefined);
    record('adapter', events);
    expect(events.map((e) => e.event)).toEqual(['message', 'message.status', 'message', 'message.status']);
    expect(events[1]!.payload).toMatchObject({ waMessageId: one.waMessageId, edited: true, body: 'one, edited' });
  });

  it('webhooks: webhook.test as the receiver gets it (:test), webhook.disabled from the event log after 24 h of failures', async () => {
    const t = temp();
    const row = t.seedSession();
    const clock = new FakeClock(Date.now());
    // One retry, 25 h later (FakeClock): the second failure is past the 24 h limit and disables the endpoint.
    const w = wire(t.store, { now: clock.now, timers: clock.timerFns, retryDelay: () => 25 * 3600_000 });
    cleanups.push(() => w.worker.stop());
    const ok = await startReceiver();
    const broken = await startReceiver(() => ({ status: 500 }));
    cleanups.push(() => ok.close(), () => broken.close());
    w.worker.start();

    const good = w.service.create(t.organizationId, { url: ok.url, events: ['webhook.test'] });
    w.service.test(t.organizationId, good.endpoint.id);
    await waitFor(() => ok.all.length === 1, 10_000, 'the test delivery');
    record('webhooks', ok.all.map((r) => ({ event: r.frame.event, payload: r.frame.payload })));
    expect(ok.all[0]!.frame.event).toBe('webhook.test');

    const bad = w.service.create(t.organizationId, { url: broken.url, events: ['message'] });
    w.publish(messageEvent(t.organizationId, row.id, 1));
    await waitFor(() => broken.requests === 1 && clock.pendingCount === 1, 10_000, 'the first failure');
    clock.advance(clock.pending()[0]!);
    await waitFor(() => broken.requests === 2 && !w.service.get(t.organizationId, bad.endpoint.id).enabled, 10_000, 'the endpoint disabled');
    const log = t.store.events
      .after(t.organizationId, 0, 100)
      .filter((e) => e.event.startsWith('webhook.'))
      .map((e) => ({ event: e.event, payload: JSON.parse(e.payload) as unknown }));
    record('webhooks', log);
    expect(log.map((e) => e.event)).toEqual(['webhook.disabled']);
  });

  it('media queue: media.downloaded for a received photo, media.failed when the re-upload is refused', async () => {
    const t = temp();
    const row = t.seedSession();
    const media = await createSandboxMedia();
    cleanups.push(() => media.close());
    const events: GatewayEvent[] = [];
    const refusing = { reupload: async () => Promise.reject(Object.assign(new Error('gone'), { output: { statusCode: 404 } })) };
    const queue = createMediaQueue({
      store: t.store,
      files: createFileStore(join(t.dir, 'media')),
      events: { publish: (e) => events.push(e) },
      live: () => refusing,
    });
    cleanups.push(() => queue.stop());
    await queue.start();
    storeMediaMessage(t.store, row.id, media.contentFor('image', 0), 'PHOTO');
    queue.onMessagesStored(row.id, [{ chatJid: CHAT, waMessageId: 'PHOTO', kind: 'image', size: media.assetFor('image', 0).original.length, history: false }]);
    storeMediaMessage(t.store, row.id, media.expiringContent(), 'GONE');
    expect(await queue.resolve(row.id, CHAT, 'GONE', { waitMs: 10_000 })).toMatchObject({ status: 'expired' });
    await waitFor(() => events.some((e) => e.event === 'media.downloaded'), 10_000, 'media.downloaded');
    record('media queue', events);
    expect(events.map((e) => e.event).sort()).toEqual(['media.downloaded', 'media.failed']);
  });

  it('every payload matches its event schema, and every event name is covered by each of its producers', () => {
    const known = new Set<string>(EVENT_NAMES);
    const problems: string[] = [];
    for (const s of seen) {
      if (!known.has(s.event)) {
        problems.push(`${s.producer} published '${s.event}', which is not in EVENT_NAMES`);
        continue;
      }
      for (const p of payloadProblems(s.event as RealtimeEventName, s.payload)) {
        problems.push(`${s.producer} '${s.event}' ${p}: ${JSON.stringify(s.payload).slice(0, 200)}`);
      }
    }
    expect(problems).toEqual([]);
    for (const name of EVENT_NAMES) {
      const by = new Set(seen.filter((s) => s.event === name).map((s) => s.producer));
      expect(PRODUCERS[name].length, `no producer declared for '${name}'`).toBeGreaterThan(0);
      for (const producer of PRODUCERS[name]) expect(by.has(producer), `'${name}' from ${producer}`).toBe(true);
    }
  });
});
