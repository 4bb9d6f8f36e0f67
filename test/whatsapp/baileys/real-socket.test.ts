import { describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import {
  Browsers,
  initAuthCreds,
  makeCacheableSignalKeyStore,
  makeEventBuffer,
  proto,
  type GroupMetadata,
} from '@whiskeysockets/baileys';
import {
  TtlCache,
  bindGroupMetadataRefresh,
  buildSocketConfig,
  createRealSocketFactory,
  forgetSessionSocketCaches,
  sessionSocketCaches,
} from '../../../src-main/whatsapp/baileys/real-socket.js';
import type { SocketFactoryOptions } from '../../../src-main/whatsapp/socket.js';
import { createBaileysClientFactory } from '../../../src-main/whatsapp/baileys/adapter.js';
import type { ClientUpdate } from '../../../src-main/core/whatsapp-port.js';
import { ORG_ID, SESSION_ID, recordingIngestor, tempStore } from './harness.js';

const logger = pino({ level: 'silent' });

function options(fullHistory: boolean, sessionId = 'ses_cfg'): SocketFactoryOptions {
  return {
    sessionId,
    auth: { creds: initAuthCreds(), keys: makeCacheableSignalKeyStore({ get: () => ({}), set: () => {} }, logger) },
    logger,
    fullHistory,
    getMessage: async () => undefined,
  };
}

const group = (id: string): GroupMetadata => ({ id, subject: 'g', participants: [] }) as unknown as GroupMetadata;

describe('buildSocketConfig', () => {
  it('full history: desktop browser, full sync, every history chunk accepted', () => {
    const opts = options(true);
    const config = buildSocketConfig(opts, { caches: sessionSocketCaches('ses_cfg'), fetchGroupMetadata: async () => undefined });
    expect(config.browser).toEqual(Browsers.macOS('Desktop'));
    expect(config.syncFullHistory).toBe(true);
    const FULL = proto.HistorySync.HistorySyncType.FULL;
    expect(config.shouldSyncHistoryMessage?.({ syncType: FULL })).toBe(true);
    expect(config.auth).toBe(opts.auth);
    expect(config.getMessage).toBe(opts.getMessage);
  });

  it('without full history: Baileys defaults for browser and history filter, no full sync requested', () => {
    const config = buildSocketConfig(options(false), {
      caches: sessionSocketCaches('ses_cfg'),
      fetchGroupMetadata: async () => undefined,
    });
    expect(config.browser).toBeUndefined();
    expect(config.shouldSyncHistoryMessage).toBeUndefined();
    expect(config.syncFullHistory).toBe(false);
  });

  it('never marks the account online and ignores no JID (channels included)', () => {
    const config = buildSocketConfig(options(false), {
      caches: sessionSocketCaches('ses_cfg'),
      fetchGroupMetadata: async () => undefined,
    });
    expect(config.markOnlineOnConnect).toBe(false);
    for (const jid of ['120363012345678901@newsletter', '6281234567890@s.whatsapp.net', '1203630@g.us', 'status@broadcast']) {
      expect(config.shouldIgnoreJid?.(jid)).toBe(false);
    }
  });

  it('keeps one retry-counter cache per session across sockets, distinct between sessions', () => {
    const a1 = buildSocketConfig(options(false, 'ses_a'), { caches: sessionSocketCaches('ses_a'), fetchGroupMetadata: async () => undefined });
    const a2 = buildSocketConfig(options(false, 'ses_a'), { caches: sessionSocketCaches('ses_a'), fetchGroupMetadata: async () => undefined });
    const b = buildSocketConfig(options(false, 'ses_b'), { caches: sessionSocketCaches('ses_b'), fetchGroupMetadata: async () => undefined });
    expect(a1.msgRetryCounterCache).toBeDefined();
    expect(a1.msgRetryCounterCache).toBe(a2.msgRetryCounterCache);
    expect(a1.msgRetryCounterCache).not.toBe(b.msgRetryCounterCache);
    forgetSessionSocketCaches('ses_a');
    expect(sessionSocketCaches('ses_a').msgRetryCounterCache).not.toBe(a1.msgRetryCounterCache);
  });

  it('cachedGroupMetadata fetches on a miss, serves hits from the cache, and survives fetch errors', async () => {
    forgetSessionSocketCaches('ses_g');
    const caches = sessionSocketCaches('ses_g');
    const fetch = vi.fn(async (jid: string) => {
      if (jid.startsWith('bad')) throw new Error('offline');
      return group(jid);
    });
    const config = buildSocketConfig(options(false, 'ses_g'), { caches, fetchGroupMetadata: fetch });
    expect((await config.cachedGroupMetadata!('1@g.us'))?.id).toBe('1@g.us');
    expect((await config.cachedGroupMetadata!('1@g.us'))?.id).toBe('1@g.us');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(await config.cachedGroupMetadata!('bad@g.us')).toBeUndefined();
    caches.groupMetadata.del('1@g.us'); // what a groups.update does
    await config.cachedGroupMetadata!('1@g.us');
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe('bindGroupMetadataRefresh', () => {
  it('drops a group from the cache on groups.update and group-participants.update', () => {
    forgetSessionSocketCaches('ses_r');
    const caches = sessionSocketCaches('ses_r');
    const ev = makeEventBuffer(logger);
    bindGroupMetadataRefresh({ ev }, caches);
    caches.groupMetadata.set('1@g.us', group('1@g.us'));
    caches.groupMetadata.set('2@g.us', group('2@g.us'));
    caches.groupMetadata.set('3@g.us', group('3@g.us'));
    ev.emit('groups.update', [{ id: '1@g.us', subject: 'renamed' }]);
    ev.emit('group-participants.update', {
      id: '2@g.us',
      author: 'x@s.whatsapp.net',
      participants: [],
      action: 'add',
    });
    expect(caches.groupMetadata.get('1@g.us')).toBeUndefined();
    expect(caches.groupMetadata.get('2@g.us')).toBeUndefined();
    expect(caches.groupMetadata.get('3@g.us')).toBeDefined();
  });
});

describe('TtlCache', () => {
  it('expires entries after the TTL', () => {
    let now = 1000;
    const c = new TtlCache(100, 10, () => now);
    c.set('a', 1);
    expect(c.get('a')).toBe(1);
    now = 1099;
    expect(c.get('a')).toBe(1);
    now = 1100;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('evicts the oldest insertion beyond the size bound; del and flushAll work', () => {
    const c = new TtlCache(60_000, 2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('a', 3); // refreshes a
    c.set('c', 4);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(3);
    expect(c.get('c')).toBe(4);
    c.del('a');
    expect(c.get('a')).toBeUndefined();
    c.flushAll();
    expect(c.size).toBe(0);
  });
});

describe('createRealSocketFactory through the adapter', () => {
  it('makeWASocket accepts our config; with WhatsApp unreachable the close comes back as a coded update', async () => {
    const t = tempStore();
    const updates: ClientUpdate[] = [];
    let settle: () => void = () => {};
    const settled = new Promise<void>((r) => (settle = r));
    const client = createBaileysClientFactory({
      store: t.store,
      ingestor: recordingIngestor(t.store),
      logger,
      socketFactory: createRealSocketFactory(),
      sandbox: false,
    })({
      sessionId: SESSION_ID,
      organizationId: ORG_ID,
      fullHistory: true,
      hooks: {
        onUpdate: (u) => {
          updates.push(u);
          // No network here: a 408/428 close. With a network: a QR from WhatsApp. Either proves the wiring.
          if (u.kind === 'closed' || u.kind === 'qr') settle();
        },
      },
    });
    try {
      await client.connect();
      await Promise.race([settled, new Promise((r) => setTimeout(r, 20_000))]);
      expect(updates[0]).toEqual({ kind: 'connecting' });
      const last = updates.at(-1)!;
      if (last.kind === 'closed') expect(typeof last.statusCode).toBe('number');
      else expect(last.kind).toBe('qr');
    } finally {
      await client.close();
      t.cleanup();
    }
  });
});
