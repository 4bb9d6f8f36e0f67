/**
 * Realtime events the UI must act on even when they come from somewhere else than the UI itself, in real
 * Chromium against a real gateway (issue 8's two bugs):
 * - a session deleted through the API (or the CLI) leaves the sessions list ('session.status' with deleted: true);
 * - a chat deleted on the phone leaves the chat list, and a LID chat merged into its phone-number chat hands the
 *   open conversation over to that chat ('chat.deleted' {chatJid, mergedInto}). Both are produced by the real
 *   ingestion code (src-main/whatsapp/ingest/) publishing through the running gateway's publisher.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import { BASE_SECONDS, textMessage } from '../fixtures/baileys/corpus.js';
import { byTestIdAttr, E2E_TEST_TIMEOUT, announceSkip, openInbox, useE2eSuite } from './harness.js';

const skip = announceSkip('realtime events in the UI (events.test.ts)');

/** How long the UI gets to react to an event (it arrives over the realtime socket within milliseconds). */
const REACT_MS = 15_000;

describe.skipIf(skip)('realtime events from other producers, in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 0 });

  /** A second ingestor on the running gateway's store and publisher: the phone's side of the sandbox session. */
  function phone() {
    const { running } = suite.gw;
    const ingestor = createIngestor({ store: running.store, publisher: running.realtime, logger: pino({ level: 'silent' }) });
    const nowOffset = () => Math.floor(Date.now() / 1000) - BASE_SECONDS;
    return {
      say(remoteJid: string, id: string, text: string, extras: Parameters<typeof textMessage>[3] = {}) {
        ingestor.handle(suite.gw.sessionId, {
          'messages.upsert': { messages: [textMessage({ remoteJid, fromMe: false, id }, text, nowOffset(), extras)], type: 'notify' },
        });
      },
      deleteChat(jid: string) {
        ingestor.handle(suite.gw.sessionId, { 'chats.delete': [jid] });
      },
      learnMapping(lid: string, pn: string) {
        ingestor.handle(suite.gw.sessionId, { 'lid-mapping.update': { lid, pn } });
      },
    };
  }

  it('a session deleted through the API disappears from the sessions list', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    await page.getByTestId('nav-sessions').click();
    const created = await suite.gw.api('POST', '/sessions', { body: { label: 'Deleted elsewhere' } });
    expect(created.status).toBe(201);
    const card = page.locator(byTestIdAttr('session-card', 'data-session-id', created.body.id));
    await expect.poll(() => card.count(), { timeout: REACT_MS }).toBe(1);

    expect((await suite.gw.api('DELETE', `/sessions/${created.body.id}`)).status).toBe(204);
    await expect.poll(() => card.count(), { timeout: REACT_MS }).toBe(0);
    // The sandbox session is still there, and the picker no longer offers the deleted one.
    expect(await page.locator(byTestIdAttr('session-card', 'data-session-id', suite.gw.sessionId)).count()).toBe(1);
    expect(await page.locator(`[data-testid="session-picker"] option[value="${created.body.id}"]`).count()).toBe(0);
  }, E2E_TEST_TIMEOUT);

  it('a chat deleted on the phone leaves the open chat list', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const chat = '15559990001@s.whatsapp.net';
    phone().say(chat, 'PHONE-DEL-1', 'soon gone');
    const item = page.locator(byTestIdAttr('chat-list-item', 'data-jid', chat));
    await expect.poll(() => item.count(), { timeout: REACT_MS }).toBe(1);

    phone().deleteChat(chat);
    await expect.poll(() => item.count(), { timeout: REACT_MS }).toBe(0);
    expect(suite.gw.running.store.chats.exists(suite.gw.sessionId, chat)).toBe(false);
  }, E2E_TEST_TIMEOUT);

  it('an open LID chat merged into its phone-number chat: the LID chat goes, the merged chat opens', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const pn = '15559990002@s.whatsapp.net';
    const lid = '900000000000002@lid';
    const p = phone();
    p.say(pn, 'MERGE-PN-1', 'from the phone number');
    p.say(lid, 'MERGE-LID-1', 'from the lid', { addressingMode: 'lid' });
    const lidItem = page.locator(byTestIdAttr('chat-list-item', 'data-jid', lid));
    await expect.poll(() => lidItem.count(), { timeout: REACT_MS }).toBe(1);
    await lidItem.click();
    await page.locator(`[data-testid="chat-view"][data-jid="${lid}"]`).waitFor();

    p.learnMapping(lid, pn);
    await expect.poll(() => lidItem.count(), { timeout: REACT_MS }).toBe(0);
    await expect.poll(() => page.locator(`[data-testid="chat-view"][data-jid="${pn}"]`).count(), { timeout: REACT_MS }).toBe(1);
    expect(await page.locator(byTestIdAttr('chat-list-item', 'data-jid', pn)).count()).toBe(1);
  }, E2E_TEST_TIMEOUT);
});
