/**
 * Deleting or logging out a session frees every per-session cache of the WhatsApp side: the runtime's
 * forgetSession reaches the ingestor, the real sockets' caches and the sandbox, and the gateway calls it
 * for both a delete and a logout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createFileStore } from '../../src-main/media/file-store.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWhatsAppRuntime } from '../../src-main/gateway/whatsapp-runtime.js';
import { sessionSocketCaches } from '../../src-main/whatsapp/baileys/real-socket.js';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import { fakeWorld } from '../helpers/fake-client.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';

const logger = pino({ level: 'silent' });
const noPublisher = { publish: () => {} };

describe('WhatsAppRuntime.forgetSession', () => {
  let t: TempStore;
  afterEach(() => t?.cleanup());

  it('drops the ingestor state, the real socket caches and the sandbox session of that session only', async () => {
    t = tempStoreWithSession();
    const mediaDir = mkdtempSync(join(tmpdir(), 'wagw-forget-media-'));
    const ingestor = createIngestor({ store: t.store, publisher: noPublisher, logger });
    const forgetIngested = vi.spyOn(ingestor, 'forget');
    const runtime = createWhatsAppRuntime({ store: t.store, publisher: noPublisher, logger, now: Date.now, sandbox: null, ingestor, files: createFileStore(mediaDir) });
    const forgetSandbox = vi.spyOn(runtime.sandbox, 'forget');
    const caches = sessionSocketCaches('ses_forget');
    const otherCaches = sessionSocketCaches('ses_keep');
    expect(sessionSocketCaches('ses_forget')).toBe(caches);

    runtime.forgetSession('ses_forget');

    expect(forgetIngested).toHaveBeenCalledWith('ses_forget');
    expect(forgetSandbox).toHaveBeenCalledWith('ses_forget');
    expect(sessionSocketCaches('ses_forget')).not.toBe(caches);
    expect(sessionSocketCaches('ses_keep')).toBe(otherCaches);
    runtime.sandbox.stop();
    await runtime.media.stop();
    rmSync(mediaDir, { recursive: true, force: true });
  });
});

describe('the gateway forgets a session on delete and on logout', () => {
  let g: TestGateway;
  let manage: string;
  const world = fakeWorld();

  beforeAll(async () => {
    g = await startTestGateway({ baileysFactory: world.factory });
    manage = g.key(['read', 'manage']);
  });
  afterAll(() => g.close());

  async function liveSession(label: string): Promise<string> {
    const id = (await g.req('POST', '/api/v1/sessions', { auth: manage, body: { label } })).body.id as string;
    expect((await g.req('POST', `/api/v1/sessions/${id}:start`, { auth: manage })).status).toBe(200);
    await expect.poll(async () => (await g.req('GET', `/api/v1/sessions/${id}`, { auth: manage })).body.status).toBe('working');
    return id;
  }

  it('logout calls forgetSession with the session id, and its socket caches are new afterwards', async () => {
    const runtime = await g.running.whatsapp;
    const forget = vi.spyOn(runtime, 'forgetSession');
    const id = await liveSession('logout');
    const caches = sessionSocketCaches(id);
    expect(forget).not.toHaveBeenCalled();
    const out = await g.req('POST', `/api/v1/sessions/${id}:logout`, { auth: manage });
    expect(out.body.status).toBe('logged_out');
    await vi.waitFor(() => expect(forget).toHaveBeenCalledWith(id));
    expect(sessionSocketCaches(id)).not.toBe(caches);
    forget.mockRestore();
  });

  it('delete calls forgetSession with the session id', async () => {
    const runtime = await g.running.whatsapp;
    const forget = vi.spyOn(runtime, 'forgetSession');
    const id = await liveSession('delete');
    expect((await g.req('POST', `/api/v1/sessions/${id}:stop`, { auth: manage })).status).toBe(200);
    expect(forget).not.toHaveBeenCalled();
    expect((await g.req('DELETE', `/api/v1/sessions/${id}`, { auth: manage })).status).toBe(204);
    await vi.waitFor(() => expect(forget).toHaveBeenCalledWith(id));
    forget.mockRestore();
  });
});
