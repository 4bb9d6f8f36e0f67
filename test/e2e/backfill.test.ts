/**
 * "Load older from phone" in real Chromium against a sandbox gateway: a chat whose stored history ends
 * without its start being known shows the button at the top; clicking it asks the (simulated) phone through
 * POST .../chats/{cid}:backfill, the button says it is asking, and once the phone's answer arrives
 * ('sync.progress' with the chatJid) the chat is complete and the button goes. A chat with a gap (messages from
 * two connections, nothing known in between) says so on the button, and the phone's answer closes the gap.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import { BASE_SECONDS, textMessage } from '../fixtures/baileys/corpus.js';
import { byTestIdAttr, E2E_TEST_TIMEOUT, announceSkip, openInbox, useE2eSuite } from './harness.js';

const skip = announceSkip('load older from phone (backfill.test.ts)');
const REACT_MS = 15_000;

describe.skipIf(skip)('load older from phone, in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 0 });

  it('shows the button where the stored history ends, asks the phone, and hides it once the chat is complete', async () => {
    const { page } = suite.browser;
    const { running, sessionId } = suite.gw;
    await openInbox(page, suite.gw);
    // A chat only this device has seen: the phone has nothing older, so its answer completes the chat.
    const chat = '15559990042@s.whatsapp.net';
    const ingestor = createIngestor({ store: running.store, publisher: running.realtime, logger: pino({ level: 'silent' }) });
    const offset = Math.floor(Date.now() / 1000) - BASE_SECONDS;
    ingestor.handle(sessionId, {
      'messages.upsert': { messages: [textMessage({ remoteJid: chat, fromMe: false, id: 'BACKFILL-E2E-1' }, 'the only message', offset)], type: 'notify' },
    });
    const item = page.locator(byTestIdAttr('chat-list-item', 'data-jid', chat));
    await expect.poll(() => item.count(), { timeout: REACT_MS }).toBe(1);
    await item.click();
    await page.locator(`[data-testid="chat-view"][data-jid="${chat}"]`).waitFor();

    const button = page.getByTestId('backfill');
    await button.waitFor({ timeout: REACT_MS });
    expect(await button.textContent()).toContain('Load older from phone');
    await button.click();
    await expect.poll(() => button.count(), { timeout: REACT_MS }).toBe(0);
    expect(running.store.chatHistory.marks(sessionId, chat).startKnown).toBe(true);
    expect(await page.locator(`[data-testid="chat-view"][data-jid="${chat}"]`).getByText('the only message').count()).toBe(1);
  }, E2E_TEST_TIMEOUT);

  it('says when messages may be missing in the middle, and the phone\'s answer closes the gap', async () => {
    const { page } = suite.browser;
    const { running, sessionId } = suite.gw;
    await openInbox(page, suite.gw);
    const chat = '15559990043@s.whatsapp.net';
    const offset = Math.floor(Date.now() / 1000) - BASE_SECONDS;
    // Two ingestors are two connections: what each saw is vouched for, the time between them is not.
    for (const [id, text, ago] of [['GAP-E2E-1', 'before the gap', 120], ['GAP-E2E-2', 'after the gap', 60]] as const) {
      const ingestor = createIngestor({ store: running.store, publisher: running.realtime, logger: pino({ level: 'silent' }) });
      ingestor.handle(sessionId, {
        'messages.upsert': { messages: [textMessage({ remoteJid: chat, fromMe: false, id }, text, offset - ago)], type: 'notify' },
      });
    }
    const item = page.locator(byTestIdAttr('chat-list-item', 'data-jid', chat));
    await expect.poll(() => item.count(), { timeout: REACT_MS }).toBe(1);
    await item.click();
    await page.locator(`[data-testid="chat-view"][data-jid="${chat}"]`).waitFor();

    const button = page.getByTestId('backfill');
    await button.waitFor({ timeout: REACT_MS });
    expect(await button.textContent()).toContain('Messages may be missing (1 gap)');
    await button.click();
    // The phone has nothing before "after the gap" that is not here: the gap closes, the chat is complete.
    await expect.poll(() => button.count(), { timeout: REACT_MS }).toBe(0);
    const coverage = await suite.gw.api('GET', `/sessions/${sessionId}/chats/${encodeURIComponent(chat)}/coverage`);
    expect(coverage.status).toBe(200);
    expect(coverage.body).toMatchObject({ gaps: [], complete: true, count: 2 });
  }, E2E_TEST_TIMEOUT);
});
