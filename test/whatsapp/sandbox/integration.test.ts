/**
 * The sandbox through the real stack: simulated socket -> Baileys adapter -> real ingestor -> SQLite file.
 * Plays the session manager's part (a new client after the 515 restart) and counts what got stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../../src-main/core/events.js';
import type { ClientUpdate, WhatsAppClient } from '../../../src-main/core/whatsapp-port.js';
import { openStore, type Store } from '../../../src-main/store/index.js';
import { createBaileysClientFactory } from '../../../src-main/whatsapp/baileys/adapter.js';
import { createIngestor } from '../../../src-main/whatsapp/ingest/index.js';
import { createSandbox, generateSandboxAccount, type SandboxController } from '../../../src-main/whatsapp/sandbox/index.js';
import { FakeClock } from '../../helpers/clock.js';
import { silentLogger } from './helpers.js';
import { seedSessionRow } from '../../helpers/store.js';

const ORG = 'org_sbx';
const SESSION = 'ses_sbx';
const SEED = 4;

/** Lets pending promise callbacks (adapter connect, sends) run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function count(store: Store, sql: string, ...params: unknown[]): number {
  return (store.db.prepare(sql).get(...params) as { n: number }).n;
}

describe('sandbox -> Baileys adapter -> ingestor -> SQLite', () => {
  let dir: string;
  let store: Store;
  let clock: FakeClock;
  let sandbox: SandboxController;
  let published: GatewayEvent[];
  let updates: ClientUpdate[];
  let clients: WhatsAppClient[];
  let makeClient: () => WhatsAppClient;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wagw-sandbox-'));
    store = openStore(join(dir, 'gateway.db'));
    store.organizations.create(ORG, 'Sandbox org', 1);
    seedSessionRow(store, { id: SESSION, organizationId: ORG, label: 'Sandbox', sandbox: true, sandboxSeed: SEED, fullHistory: true });
    clock = new FakeClock();
    sandbox = createSandbox({
      seed: SEED,
      ratePerMinute: 20,
      logger: silentLogger,
      now: clock.now,
      timers: clock.timerFns,
      timing: { connectMs: 100, qrFirstMs: 500, restartAfterPairMs: 50, historyStartMs: 100, historyChunkMs: 100, deliveryMs: 1_000, readMs: 1_000 },
    });
    published = [];
    updates = [];
    clients = [];
    const ingestor = createIngestor({ store, publisher: { publish: (e) => published.push(e) }, logger: silentLogger, now: clock.now });
    const factory = createBaileysClientFactory({ store, ingestor, logger: silentLogger, socketFactory: sandbox.socketFactory, sandbox: true, now: clock.now });
    makeClient = () => {
      const client = factory({ sessionId: SESSION, organizationId: ORG, fullHistory: true, hooks: { onUpdate: (u) => updates.push(u) } });
      clients.push(client);
      return client;
    };
  });

  afterEach(async () => {
    sandbox.stop();
    for (const c of clients) await c.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pairs, syncs the whole history, sends with rising status and keeps receiving live messages', async () => {
    // Pairing: QR, the phone "scans", 515, and the manager's second client opens.
    await makeClient().connect();
    clock.advance(100 + 500);
    expect(updates.some((u) => u.kind === 'qr')).toBe(true);
    expect(sandbox.pair(SESSION)).toBe(true);
    expect(updates.some((u) => u.kind === 'paired')).toBe(true);
    clock.advance(50);
    expect(updates.at(-1)).toMatchObject({ kind: 'closed', statusCode: 515 });

    await makeClient().connect();
    clock.advance(100);
    const open = updates.find((u) => u.kind === 'open');
    expect(open).toBeTruthy();
    const account = generateSandboxAccount(SEED, { endAt: clock.now() - 100 - 50, mePhone: open?.kind === 'open' ? open.me.phoneNumber : '' });

    // History: ~14 chunks, 100 ms apart.
    clock.advance(100 + 30 * 100);
    await settle();
    const session = store.sessions.get(SESSION)!;
    expect(session.sync_state).toBe('complete');
    expect(session.sync_progress).toBe(100);

    const chats = count(store, 'SELECT count(*) AS n FROM chats WHERE session_id = ?', SESSION);
    const channels = count(store, 'SELECT count(*) AS n FROM channels WHERE session_id = ?', SESSION);
    const messages = count(store, "SELECT count(*) AS n FROM messages WHERE session_id = ? AND chat_jid NOT LIKE '%@newsletter'", SESSION);
    const posts = count(store, "SELECT count(*) AS n FROM messages WHERE session_id = ? AND chat_jid LIKE '%@newsletter'", SESSION);
    const longest = count(store, 'SELECT max(c) AS n FROM (SELECT count(*) AS c FROM messages WHERE session_id = ? GROUP BY chat_jid)', SESSION);
    expect(chats).toBeGreaterThanOrEqual(30);
    expect(channels).toBe(3);
    expect(longest).toBeGreaterThanOrEqual(1500);
    expect(posts).toBeGreaterThan(100);
    // Every content message is stored once (edits are applied, not stored; reactions may be rows of their own).
    const contentMessages = account.messages.filter((m) => !m.message?.protocolMessage && !m.message?.editedMessage).length;
    const reactions = account.messages.reduce((n, m) => n + (m.reactions?.length ?? 0), 0);
    expect(messages + posts).toBeGreaterThanOrEqual(Math.floor(contentMessages * 0.95));
    expect(messages + posts).toBeLessThanOrEqual(account.messages.length + reactions);
    const named = count(store, "SELECT count(*) AS n FROM channels WHERE session_id = ? AND name IS NOT NULL AND description IS NOT NULL", SESSION);
    expect(named).toBe(3);
    expect(count(store, 'SELECT count(*) AS n FROM contacts WHERE session_id = ?', SESSION)).toBeGreaterThan(20);
    expect(count(store, 'SELECT count(*) AS n FROM lid_mappings WHERE session_id = ?', SESSION)).toBeGreaterThanOrEqual(account.historyLidPnMappings.length);
    expect(count(store, "SELECT count(*) AS n FROM messages WHERE session_id = ? AND error IS NOT NULL AND from_me = 1", SESSION)).toBeGreaterThanOrEqual(1);
    expect(count(store, 'SELECT count(*) AS n FROM messages WHERE session_id = ? AND has_media = 1', SESSION)).toBeGreaterThan(300);
    const types = (store.db.prepare('SELECT DISTINCT type FROM messages WHERE session_id = ?').all(SESSION) as { type: string }[]).map((r) => r.type);
    expect(types.length).toBeGreaterThanOrEqual(8);

    // A send goes pending -> sent -> delivered -> read.
    const dm = account.chats.find((c) => c.kind === 'dm' && c.jid.endsWith('@s.whatsapp.net'))!;
    const sent = await sandbox_send(clients.at(-1)!, dm.jid);
    const ack = () => (store.messages.find(SESSION, dm.jid, sent.waMessageId) as { ack_level: number } | undefined)?.ack_level;
    expect(sent.status === 'pending' || sent.status === 'sent').toBe(true);
    clock.advance(0);
    await settle();
    expect(ack()).toBe(2);
    clock.advance(1_000);
    expect(ack()).toBe(3);
    clock.advance(1_000);
    expect(ack()).toBe(4);
    expect(sandbox.state(SESSION).sent).toBe(1);

    // Live traffic keeps coming and is announced as new messages.
    const before = count(store, 'SELECT count(*) AS n FROM messages WHERE session_id = ?', SESSION);
    const announced = published.filter((e) => e.event === 'message').length;
    clock.advance(3 * 60_000);
    await settle();
    expect(count(store, 'SELECT count(*) AS n FROM messages WHERE session_id = ?', SESSION)).toBeGreaterThan(before + 20);
    expect(published.filter((e) => e.event === 'message').length).toBeGreaterThan(announced + 20);

    // A reconnect of the synced session does not replay the history (counts unchanged apart from live).
    await clients.at(-1)!.close();
    const afterClose = count(store, 'SELECT count(*) AS n FROM messages WHERE session_id = ?', SESSION);
    await makeClient().connect();
    clock.advance(100 + 100 + 500);
    await settle();
    expect(updates.filter((u) => u.kind === 'open')).toHaveLength(2);
    const afterReconnect = count(store, 'SELECT count(*) AS n FROM messages WHERE session_id = ?', SESSION);
    expect(afterReconnect - afterClose).toBeLessThan(5);
  });
});

async function sandbox_send(client: WhatsAppClient, to: string) {
  return client.sendText({ to, text: 'Hello from the integration test' });
}
