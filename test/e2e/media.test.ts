/**
 * The media archive in the UI (issue 9), in real Chromium against a real gateway with the sandbox account:
 * reactions as badges under their message, links clickable, photo thumbnails and the full image in the viewer
 * (the sandbox's real encrypted media, downloaded from its loopback CDN), a voice note that plays, a video that
 * plays and seeks in the viewer, a document that downloads with its file name (and, with the desktop bridge, opens
 * through the main process), and the storage usage on the session card.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { registerIpcHandlers } from '../../src-main/electron/ipc.js';
import { openArchivedDocument } from '../../src-main/electron/open-document.js';
import { buildBridge } from '../../src-main/preload/bridge.js';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import { BASE_SECONDS, textMessage, wm } from '../fixtures/baileys/corpus.js';
import { byTestIdAttr, E2E_TEST_TIMEOUT, REPO_ROOT, announceSkip, openInbox, screenshotDir, useE2eSuite, type E2eGateway } from './harness.js';

const skip = announceSkip('media archive in the UI (media.test.ts)');

/** How long the UI gets to react to an event or a download (the machine running the tests is shared). */
const REACT_MS = 20_000;


describe.skipIf(skip)('media archive in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 0 });

  /** The phone's side of the sandbox session: messages through the real ingestion code. */
  function phone() {
    const { running } = suite.gw;
    const ingestor = createIngestor({ store: running.store, publisher: running.realtime, logger: pino({ level: 'silent' }) });
    const offset = () => Math.floor(Date.now() / 1000) - BASE_SECONDS;
    return {
      say(remoteJid: string, id: string, text: string) {
        ingestor.handle(suite.gw.sessionId, {
          'messages.upsert': { messages: [textMessage({ remoteJid, fromMe: false, id }, text, offset())], type: 'notify' },
        });
      },
      react(remoteJid: string, id: string, targetId: string, emoji: string, fromMe = false) {
        const message = wm({
          key: { remoteJid, fromMe, id },
          message: { reactionMessage: { key: { remoteJid, fromMe: false, id: targetId }, text: emoji, senderTimestampMs: Date.now() } },
          messageTimestamp: BASE_SECONDS + offset(),
        });
        ingestor.handle(suite.gw.sessionId, { 'messages.upsert': { messages: [message], type: 'notify' } });
      },
    };
  }

  async function openChat(page: Page, jid: string) {
    const item = page.locator(byTestIdAttr('chat-list-item', 'data-jid', jid));
    await expect.poll(() => item.count(), { timeout: REACT_MS }).toBe(1);
    await item.click();
    await page.locator(`[data-testid="chat-view"][data-jid="${jid}"]`).waitFor();
  }

  it('a reaction shows as a badge under its message, not as a bubble of its own', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const chat = '15559990101@s.whatsapp.net';
    const p = phone();
    p.say(chat, 'REACT-TARGET-1', 'react to this');
    await openChat(page, chat);
    const target = page.locator(byTestIdAttr('message-bubble', 'data-message-id', 'REACT-TARGET-1'));
    await target.waitFor();
    expect(await target.getByTestId('reaction-badge').count()).toBe(0);

    // Live: the reaction arrives as a `message` event while the chat is open.
    p.react(chat, 'REACT-1', 'REACT-TARGET-1', '❤️');
    const badge = target.locator('[data-testid="reaction-badge"][data-emoji="❤️"]');
    await badge.waitFor({ timeout: REACT_MS });
    expect(await page.locator('[data-testid="message-bubble"][data-type="reaction"]').count()).toBe(0);
    // The reaction is stored as a message (the API still lists it); the UI folds it into the badge.
    const stored = await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/chats/${encodeURIComponent(chat)}/messages`);
    expect(stored.body.data.some((m: { type: string }) => m.type === 'reaction')).toBe(true);

    // A second sender with the same emoji: one badge with a count. The same sender again replaces theirs.
    p.react(chat, 'REACT-2', 'REACT-TARGET-1', '❤️', true);
    await expect.poll(() => badge.textContent(), { timeout: REACT_MS }).toBe('❤️2');
    p.react(chat, 'REACT-3', 'REACT-TARGET-1', '👍', true);
    await target.locator('[data-testid="reaction-badge"][data-emoji="👍"]').waitFor({ timeout: REACT_MS });
    await expect.poll(() => badge.textContent(), { timeout: REACT_MS }).toBe('❤️');

    // Reloaded from the API (not only from events), the badges are the same.
    await openInbox(page, suite.gw);
    await openChat(page, chat);
    await target.locator('[data-testid="reaction-badge"][data-emoji="👍"]').waitFor();
    expect(await target.getByTestId('reaction-badge').count()).toBe(2);
  }, E2E_TEST_TIMEOUT);

  it('links in a message are clickable web links, other schemes stay text', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const chat = '15559990102@s.whatsapp.net';
    phone().say(chat, 'LINK-1', 'docs at https://example.org/guide?x=1. not javascript:alert(1)');
    await openChat(page, chat);
    const bubble = page.locator(byTestIdAttr('message-bubble', 'data-message-id', 'LINK-1'));
    const link = bubble.getByTestId('message-link');
    await link.waitFor();
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe('https://example.org/guide?x=1');
    // A new window: the desktop app hands it to the OS browser only through openExternalSafely.
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await bubble.locator('.body').textContent()).toContain('not javascript:alert(1)');
  }, E2E_TEST_TIMEOUT);

  describe('with the sandbox real encrypted media, downloaded through the media API', () => {
    it('a photo thumbnail shows at once and a click opens the full image; arrows and Esc work', async () => {
      const { page } = suite.browser;
      await openInbox(page, suite.gw);
      const photo = await findMessage(suite.gw, (m) => m.type === 'image' && m.media?.thumbnail === true);
      await openChat(page, photo.chatJid);
      const bubble = await reveal(page, photo.id);
      const thumb = bubble.locator('[data-testid="media-thumbnail"], [data-testid="media-full"]');
      await thumb.first().waitFor({ timeout: REACT_MS });
      await expect.poll(() => thumb.first().evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: REACT_MS }).toBeGreaterThan(0);

      await bubble.getByTestId('media-image').click();
      const viewer = page.getByTestId('media-viewer');
      await viewer.waitFor();
      const full = viewer.getByTestId('viewer-image');
      await full.waitFor({ timeout: REACT_MS });
      await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: REACT_MS }).toBeGreaterThan(0);
      await page.screenshot({ path: join(screenshotDir(), 'media-viewer.png') });

      const position = await viewer.getByTestId('viewer-position').textContent();
      await page.keyboard.press('ArrowLeft');
      if (!position?.startsWith('1 /')) await expect.poll(() => viewer.getByTestId('viewer-position').textContent()).not.toBe(position);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('media-viewer').count()).toBe(0);
    }, E2E_TEST_TIMEOUT);

    it('a failed download says so with a Retry that queues it again; the full image follows when it arrives', async () => {
      const { page } = suite.browser;
      const { gw } = suite;
      await openInbox(page, gw);
      const photo = await findMessage(gw, (m) => m.type === 'image' && m.media?.thumbnail === true && m.media.state !== 'done');
      await openChat(page, photo.chatJid);
      const bubble = await reveal(page, photo.id);
      await bubble.getByTestId('media-thumbnail').waitFor({ timeout: REACT_MS });
      expect(await bubble.getByTestId('media-image').getAttribute('data-loaded')).toBe('thumbnail');
      // The box is reserved from the message's width/height: the full image must not change the row's height
      // (the virtual list measures rows; a growing row would make the view jump).
      const heightWithThumbnail = await heightOf(bubble);

      // The queue's verdict for this file, through the running gateway's publisher (as the queue sends it).
      const organizationId = gw.running.store.sessions.get(gw.sessionId)!.organization_id;
      gw.running.realtime.publish({
        event: 'media.failed',
        sessionId: gw.sessionId,
        organizationId,
        payload: { chatJid: photo.chatJid, waMessageId: photo.id, kind: 'image', state: 'failed', error: 'cdn said 500', attempts: 5 },
      });
      const state = bubble.getByTestId('media-state');
      await expect.poll(() => state.getAttribute('data-state'), { timeout: REACT_MS }).toBe('failed');
      expect(await state.getAttribute('title')).toBe('cdn said 500');

      // Retry: POST .../media:download for real; the real queue downloads it and says media.downloaded.
      await bubble.getByTestId('media-retry').click();
      await expect.poll(() => bubble.getByTestId('media-image').getAttribute('data-loaded'), { timeout: REACT_MS }).toBe('full');
      expect(await bubble.getByTestId('media-state').count()).toBe(0);
      const full = bubble.getByTestId('media-full');
      expect(await full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
      expect(await heightOf(bubble)).toBe(heightWithThumbnail);
    }, E2E_TEST_TIMEOUT);

    it('locations, contact cards and polls are drawn from their details, with a safe map link', async () => {
      const { page } = suite.browser;
      await openInbox(page, suite.gw);
      const located = await findMessage(suite.gw, (m) => !!m.location);
      await openChat(page, located.chatJid);
      let bubble = await reveal(page, located.id);
      const map = bubble.getByTestId('location-map');
      const href = await map.getAttribute('href');
      expect(href).toMatch(/^https:\/\/www\.openstreetmap\.org\/\?mlat=-?\d+\.\d{6}&mlon=-?\d+\.\d{6}#map=16\//);
      expect(href).toContain(located.location!.latitude.toFixed(6));
      if (located.location!.name) expect(await bubble.getByTestId('location-name').textContent()).toBe(located.location!.name);

      const card = await findMessage(suite.gw, (m) => !!m.contacts?.length && m.contacts.some((c) => c.phones.length > 0));
      await openChat(page, card.chatJid);
      bubble = await reveal(page, card.id);
      const phones = await bubble.getByTestId('contact-phone').allTextContents();
      expect(phones).toEqual(card.contacts!.flatMap((c) => c.phones));

      const poll = await findMessage(suite.gw, (m) => !!m.poll);
      await openChat(page, poll.chatJid);
      bubble = await reveal(page, poll.id);
      expect(await bubble.getByTestId('poll-votes').allTextContents()).toEqual(poll.poll!.options.map((o) => String(o.votes)));
    }, E2E_TEST_TIMEOUT);

    it('a sticker is drawn from its file', async () => {
      const { page } = suite.browser;
      await openInbox(page, suite.gw);
      const sticker = await findMessage(suite.gw, (m) => m.type === 'sticker');
      await openChat(page, sticker.chatJid);
      const bubble = await reveal(page, sticker.id);
      const img = bubble.getByTestId('sticker-image');
      await img.waitFor({ timeout: REACT_MS });
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth), { timeout: REACT_MS }).toBeGreaterThan(0);
    }, E2E_TEST_TIMEOUT);

    it('a voice note plays (its time advances) and its speed goes 1x, 1.5x, 2x', async () => {
      const { page } = suite.browser;
      await openInbox(page, suite.gw);
      const note = await findMessage(suite.gw, (m) => m.type === 'audio' && m.media?.ptt === true);
      await openChat(page, note.chatJid);
      const bubble = await reveal(page, note.id);
      await bubble.getByTestId('audio-rate').click();
      expect(await bubble.getByTestId('audio-rate').textContent()).toBe('1.5×');
      await bubble.getByTestId('audio-play').click();
      const audio = bubble.getByTestId('audio-element');
      await audio.waitFor({ state: 'attached', timeout: REACT_MS });
      await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: REACT_MS }).toBeGreaterThan(0.2);
      expect(await audio.evaluate((a: HTMLAudioElement) => a.playbackRate)).toBe(1.5);
      await bubble.getByTestId('audio-play').click();
      await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);
    }, E2E_TEST_TIMEOUT);

    it('a video plays in the viewer (its time advances) and seeks', async () => {
      const { page } = suite.browser;
      await openInbox(page, suite.gw);
      const clip = await findMessage(suite.gw, (m) => m.type === 'video' && m.media?.state !== 'expired');
      await openChat(page, clip.chatJid);
      const bubble = await reveal(page, clip.id);
      await bubble.getByTestId('media-video').click();
      const viewer = page.getByTestId('media-viewer');
      await viewer.waitFor();
      expect(await viewer.getAttribute('data-message-id')).toBe(clip.id);
      const video = viewer.getByTestId('viewer-video');
      await video.waitFor({ timeout: REACT_MS });
      // The sandbox clip (resources/sandbox-media/clip.mp4: H.264, 160x120, 2 s) decoded and playing.
      await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: REACT_MS }).toBeGreaterThan(0.2);
      expect(await video.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([160, 120]);
      expect(await video.evaluate((v: HTMLVideoElement) => v.duration)).toBeCloseTo(2, 0);

      // Seek as the controls' slider does (it sets currentTime): the whole file is seekable, the frame there shows.
      const seek = (to: number) =>
        video.evaluate(
          (v: HTMLVideoElement, t: number) =>
            new Promise<{ at: number; seekable: number[] }>((resolve) => {
              v.pause();
              v.addEventListener('seeked', () => resolve({ at: v.currentTime, seekable: [v.seekable.start(0), v.seekable.end(0)] }), { once: true });
              v.currentTime = t;
            }),
          to,
        );
      const late = await seek(1.5);
      expect(late.at).toBeCloseTo(1.5, 1);
      expect(late.seekable[0]).toBe(0);
      expect(late.seekable[1]).toBeCloseTo(2, 0);
      // Back near the start, and it plays on from there.
      const early = await seek(0.1);
      expect(early.at).toBeCloseTo(0.1, 1);
      await video.evaluate((v: HTMLVideoElement) => v.play());
      await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: REACT_MS }).toBeGreaterThan(0.4);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('media-viewer').count()).toBe(0);
    }, E2E_TEST_TIMEOUT);

    it('a document shows its readable kind and downloads with its file name', async () => {
      const { page } = suite.browser;
      await openInbox(page, suite.gw);
      const doc = await findMessage(suite.gw, (m) => m.type === 'document' && !!m.media?.filename);
      await openChat(page, doc.chatJid);
      const bubble = await reveal(page, doc.id);
      const kind = await bubble.getByTestId('media-type').textContent();
      expect(kind).not.toContain('/');
      const [download] = await Promise.all([page.waitForEvent('download'), bubble.getByTestId('document-download').click()]);
      expect(download.suggestedFilename()).toBe(doc.media!.filename);
    }, E2E_TEST_TIMEOUT);

    it('in the desktop app a document opens with the OS default app, through the bridge and the main process', async () => {
      const { gw } = suite;
      const doc = await findMessage(gw, (m) => m.type === 'document' && m.media?.filename === 'notes.pdf');
      // The main process's side, for real: the IPC handlers (sender check, request check) and the opener, which
      // fetches the document through the gateway's media route; only the OS call is a recorder.
      const cache = mkdtempSync(join(tmpdir(), 'wagw-e2e-open-'));
      const opened: string[] = [];
      const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
      registerIpcHandlers(
        { handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => void handlers.set(channel, fn), removeHandler: () => undefined } as never,
        {
          gatewayOrigin: gw.url,
          mintLoginToken: async () => gw.token,
          openDocument: (ref) =>
            openArchivedDocument(ref, { apiBase: gw.apiBase, mintLoginToken: async () => gw.token, cacheDir: cache, openPath: async (p) => (opened.push(p), '') }),
        },
      );
      const page = await suite.browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        // The preload's bridge (the real buildBridge) in this process; the page reaches it through two bindings,
        // as a sandboxed renderer reaches main through contextBridge and ipcRenderer.invoke.
        const bridge = buildBridge([`--wagw-api-base=${gw.apiBase}`], async (channel, ...args) =>
          handlers.get(channel)!({ senderFrame: { url: page.url() } }, ...args),
        );
        await page.exposeFunction('__wagwGetToken', () => bridge.getToken());
        await page.exposeFunction('__wagwOpenDocument', (ref: unknown) => bridge.openDocument(ref as never));
        await page.addInitScript((apiBase: string) => {
          const w = window as unknown as Record<string, (...a: unknown[]) => unknown> & { wagw?: unknown };
          w.wagw = Object.freeze({ apiBase, getToken: () => w.__wagwGetToken!(), openDocument: (ref: unknown) => w.__wagwOpenDocument!(ref) });
        }, gw.apiBase);
        await page.goto(`${gw.url}/`);
        await page.getByTestId('chat-list-item').first().waitFor();
        await openChat(page, doc.chatJid);
        const bubble = await reveal(page, doc.id);
        await bubble.getByTestId('document-open').click();
        await expect.poll(() => opened.length, { timeout: REACT_MS }).toBe(1);
        expect(opened[0]!.startsWith(cache)).toBe(true);
        expect(opened[0]!.endsWith('/notes.pdf')).toBe(true);
        expect(readFileSync(opened[0]!).equals(readFileSync(join(REPO_ROOT, 'resources/sandbox-media/notes.pdf')))).toBe(true);
        expect(await bubble.getByTestId('document-error').count()).toBe(0);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        rmSync(cache, { recursive: true, force: true });
      }
    }, E2E_TEST_TIMEOUT);

    it('the session card shows the storage used', async () => {
      const { page } = suite.browser;
      await openInbox(page, suite.gw);
      await page.getByTestId('nav-sessions').click();
      const card = page.locator(byTestIdAttr('session-card', 'data-session-id', suite.gw.sessionId));
      const storage = card.getByTestId('session-storage');
      await storage.waitFor({ timeout: REACT_MS });
      const usage = await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/storage`);
      expect(usage.status).toBe(200);
      const text = (await storage.textContent())!.replace(/\s+/g, ' ');
      expect(text).toContain(`${usage.body.messages} messages`);
      expect(text).toMatch(/\d+(\.\d)? (B|KB|MB|GB)( of \d+(\.\d)? (B|KB|MB|GB))? media in \d+ files/);
    }, E2E_TEST_TIMEOUT);

    it('the media policy on the session card changes what the gateway downloads, and the cap warns clearly', async () => {
      const { page } = suite.browser;
      const { sessionId } = suite.gw;
      await openInbox(page, suite.gw);
      await page.getByTestId('nav-sessions').click();
      const card = page.locator(byTestIdAttr('session-card', 'data-session-id', sessionId));
      const panel = card.getByTestId('media-policy');
      await panel.locator('summary').click();
      const video = panel.locator('[data-testid="media-policy-kind"][data-kind="video"]');
      await video.getByTestId('media-policy-auto').waitFor();
      expect(await video.getByTestId('media-policy-auto').isChecked()).toBe(true);

      await video.getByTestId('media-policy-auto').click();
      await expect.poll(async () => (await suite.gw.api('GET', `/sessions/${sessionId}/media-policy`)).body.autoDownload.video).toBe(false);
      await video.getByTestId('media-policy-max').fill('3');
      await video.getByTestId('media-policy-max').dispatchEvent('change');
      await expect.poll(async () => (await suite.gw.api('GET', `/sessions/${sessionId}/media-policy`)).body.maxBytes.video).toBe(3 * 1024 * 1024);

      // A cap below what is stored already: the card and the panel say so.
      const { mediaBytes } = (await suite.gw.api('GET', `/sessions/${sessionId}/storage`)).body as { mediaBytes: number };
      expect(mediaBytes).toBeGreaterThan(0);
      const cap = panel.getByTestId('media-policy-cap');
      // Half of what is stored: media the sandbox keeps delivering only widen the margin.
      const capGb = ((mediaBytes * 0.5) / 1024 ** 3).toFixed(9);
      await cap.fill(capGb);
      await cap.dispatchEvent('change');
      await expect
        .poll(async () => (await suite.gw.api('GET', `/sessions/${sessionId}/media-policy`)).body.storageCapBytes)
        .toBe(Math.round(Number(capGb) * 1024 ** 3));
      await card.getByTestId('session-storage-warning').waitFor({ timeout: REACT_MS });
      await panel.getByTestId('media-policy-warning').waitFor();
      expect(await panel.getByTestId('media-policy-cap-note').textContent()).toContain('nothing more downloads on receipt');
      await page.screenshot({ path: join(screenshotDir(), 'media-policy.png') });

      // Emptied: no cap any more, and the warning goes.
      await cap.fill('');
      await cap.dispatchEvent('change');
      await expect.poll(async () => (await suite.gw.api('GET', `/sessions/${sessionId}/media-policy`)).body.storageCapBytes).toBeNull();
      await expect.poll(() => card.getByTestId('session-storage-warning').count(), { timeout: REACT_MS }).toBe(0);
    }, E2E_TEST_TIMEOUT);
  });
});

interface ApiMessage {
  id: string;
  chatJid: string;
  type: string;
  media: { filename: string | null; thumbnail?: boolean; ptt?: boolean; state?: string } | null;
  location?: { latitude: number; longitude: number; name: string | null };
  contacts?: { name: string | null; phones: string[] }[];
  poll?: { name: string; options: { name: string; votes: number }[] };
}

/** The newest stored message (within each chat's newest page) matching `accept`, through the API. */
async function findMessage(gw: E2eGateway, accept: (m: ApiMessage) => boolean): Promise<ApiMessage> {
  const chats = await gw.api('GET', `/sessions/${gw.sessionId}/chats?limit=100`);
  for (const chat of chats.body.data as { jid: string }[]) {
    const page = await gw.api('GET', `/sessions/${gw.sessionId}/chats/${encodeURIComponent(chat.jid)}/messages?limit=60`);
    const found = (page.body.data as ApiMessage[]).find(accept);
    if (found) return found;
  }
  throw new Error('the sandbox history has no such message in the newest pages of its chats');
}

/** Scrolls the open conversation from its newest message up until the bubble of message `id` is rendered. */
/**
 * A bubble's rendered height. The message list is virtual: a row re-measured or scrolled out has no box for a
 * moment, so the row is brought into view and its box awaited.
 */
async function heightOf(bubble: Locator): Promise<number> {
  await bubble.scrollIntoViewIfNeeded();
  let height: number | null = null;
  await expect.poll(async () => (height = (await bubble.boundingBox())?.height ?? null), { timeout: REACT_MS }).not.toBeNull();
  return height!;
}

async function reveal(page: Page, id: string) {
  const bubble = page.locator(byTestIdAttr('message-bubble', 'data-message-id', id));
  const list = page.getByTestId('message-list');
  // From the newest message up (a previous reveal in the same chat may have left the view above the target).
  if ((await bubble.count()) === 0) {
    const jump = page.getByTestId('jump-to-latest');
    if ((await jump.count()) > 0) await jump.click();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  }
  for (let i = 0; i < 60 && (await bubble.count()) === 0; i++) {
    await list.evaluate((el) => el.scrollBy(0, -el.clientHeight * 0.8));
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  }
  await bubble.scrollIntoViewIfNeeded();
  return bubble;
}
