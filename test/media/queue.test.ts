import { fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../src-main/core/events.js';
import { createFileStore, type FileStore } from '../../src-main/media/file-store.js';
import { DEFAULT_MEDIA_POLICY } from '../../src-main/media/policy.js';
import { createMediaQueue, type MediaQueue, type MediaQueueOptions } from '../../src-main/media/queue.js';
import type { Store } from '../../src-main/store/index.js';
import { createSandboxMedia, type SandboxMedia } from '../../src-main/whatsapp/sandbox/media-assets.js';
import { FakeClock } from '../helpers/clock.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';
import { payloadProblems } from '../core/event-schemas.js';
import { CHAT, KINDS, storeMediaMessage, waitFor } from './helpers.js';

let media: SandboxMedia;
beforeAll(async () => {
  media = await createSandboxMedia();
});
afterAll(async () => {
  await media.close();
});

interface Rig {
  t: TempStore & { session: { id: string } };
  store: Store;
  files: FileStore;
  queue: MediaQueue;
  events: GatewayEvent[];
  sessionId: string;
}
let rigs: Rig[] = [];
afterEach(async () => {
  // Every event any test made the queue publish conforms to the shared payload types.
  for (const r of rigs) {
    for (const e of r.events) {
      expect(e.event === 'media.downloaded' || e.event === 'media.failed').toBe(true);
      expect(payloadProblems(e.event, e.payload)).toEqual([]);
      expect(e.sessionId).toBe(r.sessionId);
    }
  }
  for (const r of rigs) {
    await r.queue.stop();
    r.t.cleanup();
  }
  rigs = [];
});

function rig(options: Partial<MediaQueueOptions> = {}, existing?: Rig['t']): Rig {
  const t = existing ?? tempStoreWithSession();
  const files = createFileStore(join(t.dir, 'media'));
  const events: GatewayEvent[] = [];
  const queue = createMediaQueue({ store: t.store, files, events: { publish: (e) => events.push(e) }, ...options });
  const r = { t, store: t.store, files, queue, events, sessionId: t.session.id };
  rigs.push(r);
  return r;
}

const names = (root: string) => readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
const live = { reupload: (m: Parameters<SandboxMedia['reupload']>[0]) => media.reupload(m) };

describe('media queue', () => {
  it('downloads every kind received live, publishes media.downloaded, and the files are the originals', async () => {
    const r = rig();
    await r.queue.start();
    const ids = KINDS.map((kind, i) => {
      const id = `LIVE_${kind}`;
      storeMediaMessage(r.store, r.sessionId, media.contentFor(kind, i), id);
      return { chatJid: CHAT, waMessageId: id, kind, size: media.assetFor(kind, i).original.length, history: false };
    });
    expect(r.queue.onMessagesStored(r.sessionId, ids)).toBe(5);
    await waitFor(() => r.events.length === 5, 10_000, 'five media.downloaded events');
    for (const [i, kind] of KINDS.entries()) {
      const asset = media.assetFor(kind, i);
      const e = r.events.find((x) => x.event === 'media.downloaded' && x.payload.waMessageId === `LIVE_${kind}`);
      expect(e?.payload).toMatchObject({ kind, sha256: asset.sha256, size: asset.original.length, chatJid: CHAT });
      expect(e?.organizationId).toBe(r.t.organizationId);
      expect(readFileSync(r.files.path(asset.sha256)).equals(asset.original)).toBe(true);
      expect(r.queue.state(r.sessionId, CHAT, `LIVE_${kind}`)).toBe('done');
    }
    const s = r.queue.storage(r.sessionId);
    expect(s).toMatchObject({ messages: 5, mediaFiles: 5, pending: 0, failed: 0, warning: null });
    expect(s.mediaBytes).toBe(KINDS.reduce((n, k, i) => n + media.assetFor(k, i).original.length, 0));
    expect(s.databaseBytes).toBeGreaterThan(0);
  });

  it('history media waits (lazy) until requested; the policy decides kinds and sizes', async () => {
    const r = rig();
    await r.queue.start();
    storeMediaMessage(r.store, r.sessionId, media.contentFor('image', 0), 'OLD');
    storeMediaMessage(r.store, r.sessionId, media.contentFor('video', 0), 'BIGVIDEO');
    r.queue.setPolicy(r.sessionId, { maxBytes: { video: 10 }, autoDownload: { sticker: false } });
    storeMediaMessage(r.store, r.sessionId, media.contentFor('sticker', 0), 'STICKER');
    const added = r.queue.onMessagesStored(r.sessionId, [
      { chatJid: CHAT, waMessageId: 'OLD', kind: 'image', size: 100, history: true },
      { chatJid: CHAT, waMessageId: 'BIGVIDEO', kind: 'video', size: 5000, history: false },
      { chatJid: CHAT, waMessageId: 'STICKER', kind: 'sticker', size: 100, history: false },
    ]);
    expect(added).toBe(0);
    expect(r.queue.state(r.sessionId, CHAT, 'OLD')).toBe('none');
    expect(r.queue.policy(r.sessionId)).toMatchObject({ history: 'lazy', maxBytes: { video: 10, image: DEFAULT_MEDIA_POLICY.maxBytes.image } });
    // First request: fetched now (live), same call.
    const got = await r.queue.resolve(r.sessionId, CHAT, 'OLD', { waitMs: 10_000 });
    expect(got.status).toBe('not_live');
    const liveRig = rig({ live: () => live }, r.t);
    await liveRig.queue.start();
    const served = await liveRig.queue.resolve(r.sessionId, CHAT, 'OLD', { waitMs: 10_000 });
    expect(served).toMatchObject({ status: 'ready', file: { sha256: media.assetFor('image', 0).sha256, mimetype: 'image/jpeg', kind: 'image' } });
    // :download queues the too-large video anyway (a person asked), and it completes.
    expect(liveRig.queue.request(r.sessionId, CHAT, 'BIGVIDEO')).toBe('queued');
    await waitFor(() => liveRig.queue.state(r.sessionId, CHAT, 'BIGVIDEO') === 'done', 10_000, 'video downloaded');
    expect(liveRig.queue.request(r.sessionId, CHAT, 'BIGVIDEO')).toBe('done');
    expect(liveRig.queue.request(r.sessionId, CHAT, 'NOPE')).toBe('no_media');
  });

  it('the expired photo goes through re-upload when live and is then served; the new URL is kept', async () => {
    const r = rig({ live: () => live });
    await r.queue.start();
    storeMediaMessage(r.store, r.sessionId, media.expiringContent(), 'EXPIRING');
    const got = await r.queue.resolve(r.sessionId, CHAT, 'EXPIRING', { waitMs: 10_000 });
    expect(got).toMatchObject({ status: 'ready', file: { sha256: media.expiring.sha256 } });
    expect(readFileSync(r.files.path(media.expiring.sha256)).equals(media.expiring.original)).toBe(true);
    const raw = r.store.messages.raw(r.sessionId, 'EXPIRING')!;
    expect(raw).not.toContain(media.expiring.path);
    expect(raw).toContain(media.cdn.origin);
  });

  it('a refused re-upload marks the media expired and publishes media.failed; resolve then says expired', async () => {
    const refusing = { reupload: async () => Promise.reject(Object.assign(new Error('gone'), { output: { statusCode: 404 } })) };
    const r = rig({ live: () => refusing });
    await r.queue.start();
    storeMediaMessage(r.store, r.sessionId, media.expiringContent(), 'GONE');
    expect(await r.queue.resolve(r.sessionId, CHAT, 'GONE', { waitMs: 10_000 })).toMatchObject({ status: 'expired' });
    expect(r.events.map((e) => [e.event, e.payload])).toEqual([
      ['media.failed', expect.objectContaining({ waMessageId: 'GONE', state: 'expired', kind: 'image', attempts: 1 })],
    ]);
    expect(r.queue.storage(r.sessionId).failed).toBe(1);
  });

  it('retries with exponential backoff on the injected clock, then gives up with media.failed', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const r = rig({
      clock,
      maxAttempts: 3,
      baseBackoffMs: 1000,
      random: () => 1,
      download: async () => {
        calls++;
        return { status: 'failed', error: 'socket hang up', retryable: true };
      },
    });
    await r.queue.start();
    storeMediaMessage(r.store, r.sessionId, media.contentFor('audio', 0), 'FLAKY');
    r.queue.onMessagesStored(r.sessionId, [{ chatJid: CHAT, waMessageId: 'FLAKY', kind: 'audio', size: 10, history: false }]);
    await waitFor(() => calls === 1 && r.queue.running() === 0 && clock.pendingCount === 1, 5000, 'first attempt');
    expect(clock.pending()).toEqual([1000]);
    clock.advance(999);
    expect(calls).toBe(1);
    clock.advance(1);
    await waitFor(() => calls === 2 && r.queue.running() === 0 && clock.pendingCount === 1, 5000, 'second attempt');
    expect(clock.pending()).toEqual([2000]);
    clock.advance(2000);
    await waitFor(() => r.events.length === 1, 5000, 'media.failed');
    expect(calls).toBe(3);
    expect(r.events[0]).toMatchObject({ event: 'media.failed', payload: { state: 'failed', attempts: 3, error: 'socket hang up' } });
    expect(r.queue.state(r.sessionId, CHAT, 'FLAKY')).toBe('failed');
    expect(clock.pendingCount).toBe(0);
  });

  it('runs at most `concurrency` downloads at once', async () => {
    let active = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const r = rig({
      concurrency: 2,
      download: async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((res) => gates.push(res));
        active--;
        return { status: 'failed', error: 'x', retryable: false };
      },
    });
    await r.queue.start();
    const items = Array.from({ length: 6 }, (_, i) => {
      storeMediaMessage(r.store, r.sessionId, media.contentFor('image', i), `C${i}`);
      return { chatJid: CHAT, waMessageId: `C${i}`, kind: 'image' as const, size: 1, history: false };
    });
    r.queue.onMessagesStored(r.sessionId, items);
    for (let done = 0; done < 6; done++) {
      await waitFor(() => gates.length > 0, 5000, 'a running download');
      expect(r.queue.running()).toBeLessThanOrEqual(2);
      gates.shift()!();
    }
    await waitFor(() => r.events.length === 6, 5000, 'all finished');
    expect(peak).toBe(2);
  });

  it('while a history sync stores chunks, history media wait, live ones go one at a time, urgent ones get a slot; all after', async () => {
    const clock = new FakeClock();
    const running = new Set<string>();
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    const r = rig({
      clock,
      concurrency: 2,
      download: async (_files, msg) => {
        const id = msg.key.id!;
        running.add(id);
        started.push(id);
        await new Promise<void>((res) => gates.set(id, res));
        running.delete(id);
        return { status: 'failed', error: 'x', retryable: false };
      },
    });
    await r.queue.start();
    r.queue.setPolicy(r.sessionId, { history: 'auto' });
    const item = (id: string, i: number, history: boolean) => {
      storeMediaMessage(r.store, r.sessionId, media.contentFor('image', i), id);
      return { chatJid: CHAT, waMessageId: id, kind: 'image' as const, size: 1, history };
    };
    // A history chunk, then two live photos while the sync is still coming.
    r.queue.onMessagesStored(r.sessionId, [item('H0', 0, true), item('H1', 1, true), item('H2', 2, true)]);
    expect(r.queue.onMessagesStored(r.sessionId, [item('L0', 3, false), item('L1', 4, false)])).toBe(2);
    await waitFor(() => running.has('L0'), 5000, 'the first live download');
    await new Promise((res) => setTimeout(res, 30));
    expect([...running]).toEqual(['L0']); // one at a time, and no history media
    // Someone asks for a history photo: it does not wait for the sync.
    expect(r.queue.request(r.sessionId, CHAT, 'H2')).toBe('queued');
    await waitFor(() => running.has('H2'), 5000, 'the urgent download');
    expect(running.size).toBe(2);
    gates.get('H2')!();
    gates.get('L0')!();
    await waitFor(() => running.has('L1'), 5000, 'the next live download');
    gates.get('L1')!();
    await waitFor(() => r.events.length === 3, 5000, 'L0, L1 and H2 finished');
    await new Promise((res) => setTimeout(res, 30));
    expect(running.size).toBe(0); // H0 and H1 wait, however long real time passes
    expect(clock.pending().length).toBeGreaterThan(0);
    // Another chunk 1.5 s later keeps the sync running: still nothing at 2 s.
    clock.advance(1_500);
    r.queue.onMessagesStored(r.sessionId, [item('H3', 5, true)]);
    clock.advance(500);
    await new Promise((res) => setTimeout(res, 30));
    expect(running.size).toBe(0);
    // 2 s after the last chunk the sync is over: both slots, history media oldest first.
    clock.advance(1_500);
    await waitFor(() => running.size === 2, 5000, 'two history downloads');
    expect([...running].sort()).toEqual(['H0', 'H1']);
    for (const id of ['H0', 'H1', 'H3']) {
      await waitFor(() => gates.has(id) && running.has(id), 5000, id);
      gates.get(id)!();
    }
    await waitFor(() => r.events.length === 6, 5000, 'all finished');
    expect(started).toEqual(['L0', 'H2', 'L1', 'H0', 'H1', 'H3']);
    expect(r.store.media.job(r.store.messages.find(r.sessionId, CHAT, 'H3')!.pk)?.priority).toBe(-1);
  });

  it('stop() returns even if a download ignores its abort, and the job stays queued for the next start', async () => {
    const r = rig({ stopWaitMs: 100, download: () => new Promise<never>(() => undefined) });
    await r.queue.start();
    storeMediaMessage(r.store, r.sessionId, media.contentFor('image', 0), 'STUCK');
    r.queue.onMessagesStored(r.sessionId, [{ chatJid: CHAT, waMessageId: 'STUCK', kind: 'image', size: 1, history: false }]);
    await waitFor(() => r.queue.running() === 1, 5000, 'the download');
    const t0 = Date.now();
    await r.queue.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(r.queue.state(r.sessionId, CHAT, 'STUCK')).toBe('queued');
  });

  it('deleting a chat deletes its files unless another message still references the same bytes', async () => {
    const r = rig({ live: () => live });
    await r.queue.start();
    const other = '15550002222@s.whatsapp.net';
    storeMediaMessage(r.store, r.sessionId, media.contentFor('sticker', 0), 'S1', CHAT);
    storeMediaMessage(r.store, r.sessionId, media.contentFor('sticker', 0), 'S2', other);
    storeMediaMessage(r.store, r.sessionId, media.contentFor('document', 0), 'D1', CHAT);
    r.queue.onMessagesStored(r.sessionId, [
      { chatJid: CHAT, waMessageId: 'S1', kind: 'sticker', size: 1, history: false },
      { chatJid: other, waMessageId: 'S2', kind: 'sticker', size: 1, history: false },
      { chatJid: CHAT, waMessageId: 'D1', kind: 'document', size: 1, history: false },
    ]);
    await waitFor(() => r.events.length === 3, 10_000, 'three downloads');
    const sticker = media.assetFor('sticker', 0).sha256;
    const doc = media.assetFor('document', 0).sha256;
    expect(r.queue.storage(r.sessionId).mediaFiles).toBe(2);
    r.store.chats.delete(r.sessionId, CHAT);
    expect(r.queue.collectGarbage()).toBe(1);
    expect(r.files.has(doc)).toBe(false);
    expect(r.files.has(sticker)).toBe(true);
    r.store.chats.delete(r.sessionId, other);
    expect(r.queue.collectGarbage()).toBe(1);
    expect(names(r.files.root)).toEqual([]);
  });

  it('warns near and at the storage cap, and stops auto-downloads over it', async () => {
    const r = rig();
    await r.queue.start();
    const asset = media.assetFor('image', 0);
    storeMediaMessage(r.store, r.sessionId, media.contentFor('image', 0), 'CAP1');
    r.queue.onMessagesStored(r.sessionId, [{ chatJid: CHAT, waMessageId: 'CAP1', kind: 'image', size: asset.original.length, history: false }]);
    await waitFor(() => r.events.length === 1, 10_000, 'download');
    r.queue.setPolicy(r.sessionId, { storageCapBytes: asset.original.length + 10 });
    expect(r.queue.storage(r.sessionId).warning).toMatch(/almost full/);
    r.queue.setPolicy(r.sessionId, { storageCapBytes: asset.original.length });
    expect(r.queue.storage(r.sessionId)).toMatchObject({ storageCapBytes: asset.original.length, warning: expect.stringMatching(/full/) });
    storeMediaMessage(r.store, r.sessionId, media.contentFor('audio', 0), 'CAP2');
    expect(r.queue.onMessagesStored(r.sessionId, [{ chatJid: CHAT, waMessageId: 'CAP2', kind: 'audio', size: 100, history: false }])).toBe(0);
  });

  it('SIGKILL mid-download: only a .partial is left, never visible; the restarted queue sweeps it and completes', async () => {
    const t = tempStoreWithSession();
    const asset = media.assetFor('video', 0);
    storeMediaMessage(t.store, t.session.id, media.contentFor('video', 0), 'KILLED');
    const first = rig({}, t);
    // Queue the job durably, but let the child run it.
    first.queue.onMessagesStored(t.session.id, [{ chatJid: CHAT, waMessageId: 'KILLED', kind: 'video', size: asset.original.length, history: false }]);
    media.cdn.hold(asset.path, 2048);
    const child = fork(join(import.meta.dirname, 'queue-child.ts'), [t.dir], { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
    try {
      const shard = join(t.dir, 'media', asset.sha256.slice(0, 2));
      await waitFor(() => {
        try {
          return readdirSync(shard).some((n) => n.startsWith('.partial-'));
        } catch {
          return false;
        }
      }, 20_000, 'a partial file from the child');
      expect(first.files.has(asset.sha256)).toBe(false);
      const exited = new Promise((res) => child.once('exit', res));
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      media.cdn.release();
    }
    expect(names(join(t.dir, 'media')).some((n) => n.startsWith('.partial-'))).toBe(true);
    expect(first.queue.state(t.session.id, CHAT, 'KILLED')).toBe('queued');
    expect(await first.queue.resolve(t.session.id, CHAT, 'KILLED')).toMatchObject({ status: 'not_live' });
    // Restart: sweep, then the queued job runs again and completes.
    await first.queue.start();
    await waitFor(() => first.events.length === 1, 10_000, 'resumed download');
    expect(first.events[0]).toMatchObject({ event: 'media.downloaded', payload: { sha256: asset.sha256 } });
    expect(names(join(t.dir, 'media'))).toEqual([asset.sha256]);
    expect(readFileSync(first.files.path(asset.sha256)).equals(asset.original)).toBe(true);
  });
});


describe('media queue start-up reconciliation', () => {
  it('drops files nobody recorded and re-queues records whose file is gone', async () => {
    const r = rig({ live: () => live });
    await r.queue.start();
    storeMediaMessage(r.store, r.sessionId, media.contentFor('audio', 0), 'REC');
    r.queue.onMessagesStored(r.sessionId, [{ chatJid: CHAT, waMessageId: 'REC', kind: 'audio', size: 1, history: false }]);
    await waitFor(() => r.events.length === 1, 10_000, 'download');
    await r.queue.stop();
    const stray = media.assetFor('sticker', 0);
    const { Readable } = await import('node:stream');
    await r.files.write(Readable.from([stray.original]), { expectedSha256: stray.sha256 });
    const voice = media.assetFor('audio', 0).sha256;
    r.files.remove(voice);
    const again = rig({}, r.t);
    rigs.splice(rigs.indexOf(r), 1);
    await again.queue.start();
    expect(again.files.has(stray.sha256)).toBe(false);
    await waitFor(() => again.events.length === 1, 10_000, 're-download of the missing file');
    expect(again.files.has(voice)).toBe(true);
    expect(again.queue.state(r.sessionId, CHAT, 'REC')).toBe('done');
  });
});

describe('media queue integrity', () => {
  it('a blob whose bytes do not match fileSha256 is never kept or served: media.failed, resolve says failed', async () => {
    const r = rig({ live: () => live });
    await r.queue.start();
    const asset = media.assetFor('image', 0);
    const other = media.assetFor('image', 1);
    // The PNG's blob and key, announced as the JPEG: decrypts fine, hashes wrong.
    storeMediaMessage(r.store, r.sessionId, { imageMessage: { ...other.fields, fileSha256: Buffer.from(asset.sha256, 'hex') } }, 'TAMPERED');
    const got = await r.queue.resolve(r.sessionId, CHAT, 'TAMPERED', { waitMs: 10_000 });
    expect(got).toEqual({ status: 'failed', error: 'hash_mismatch' });
    expect(r.events).toEqual([expect.objectContaining({ event: 'media.failed', payload: expect.objectContaining({ error: 'hash_mismatch', state: 'failed' }) })]);
    expect(r.files.has(asset.sha256)).toBe(false);
    expect(r.files.has(other.sha256)).toBe(false);
    expect(names(r.files.root)).toEqual([]);
  });
});
