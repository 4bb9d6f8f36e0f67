/**
 * Live traffic in the open chat, end to end: the sandbox's own live stream (600 messages/min through the
 * simulated socket, the Baileys adapter, the ingestor, the realtime hub and the WebSocket) must show up in
 * the browser without a reload.
 */
import { describe, expect, it } from 'vitest';
import {
  announceSkip,
  byTestIdAttr,
  E2E_TEST_TIMEOUT,
  longestChat,
  openInbox,
  useE2eSuite,
  waitUntil,
} from './harness.js';

const skip = announceSkip('live messages (live.test.ts)');

describe.skipIf(skip)('live sandbox messages in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 600 });

  it('shows a new incoming message in the open chat, and new unread counts in the list, without a reload', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    await expect.poll(() => page.getByTestId('realtime-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('open');

    // The sandbox's busiest chat gets the largest share of the live traffic.
    const long = longestChat(suite.gw);
    await page.locator(byTestIdAttr('chat-list-item', 'data-jid', long.jid)).click();
    await page.locator(byTestIdAttr('chat-view', 'data-jid', long.jid)).waitFor();
    await page.getByTestId('message-bubble').first().waitFor();

    // Everything stored up to now (first page of the API), and a marker a reload would wipe.
    const before = await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/chats/${encodeURIComponent(long.jid)}/messages?limit=200`);
    const known = new Set<string>((before.body.data as any[]).map((m) => m.id));
    const domBefore = await page.getByTestId('message-bubble').evaluateAll((els) => els.map((el) => el.getAttribute('data-message-id')!));
    domBefore.forEach((id) => known.add(id));
    await page.evaluate(() => ((window as unknown as { e2eNoReload: boolean }).e2eNoReload = true));
    let navigations = 0;
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations++;
    });
    const unreadBefore = await unreadCounts();

    const started = Date.now();
    const fresh = await waitUntil(
      'a new message bubble in the open chat',
      async () => {
        const ids = await page.getByTestId('message-bubble').evaluateAll((els) => els.map((el) => el.getAttribute('data-message-id')!));
        return ids.find((id) => !known.has(id)) ?? null;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const latencyMs = Date.now() - started;
    // It is a real stored message of this chat, newer than what was there when the chat was opened.
    const after = await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/chats/${encodeURIComponent(long.jid)}/messages?limit=50`);
    const stored = (after.body.data as any[]).find((m) => m.id === fresh);
    expect(stored, `message ${fresh} in the API`).toBeTruthy();
    expect(stored.timestamp).toBeGreaterThanOrEqual((before.body.data as any[])[0].timestamp);
    const bubble = page.locator(byTestIdAttr('message-bubble', 'data-message-id', fresh));
    await expect.poll(() => bubble.isVisible()).toBe(true);
    process.stdout.write(`[e2e] live message ${fresh} (${stored.type}) shown ${latencyMs} ms after waiting began\n`);

    // Other chats' unread badges grow live too.
    await waitUntil(
      'a live unread count in the chat list',
      async () => {
        const now = await unreadCounts();
        return Object.entries(now).some(([jid, n]) => jid !== long.jid && n > (unreadBefore[jid] ?? 0));
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    expect(navigations, 'page navigations').toBe(0);
    expect(await page.evaluate(() => (window as unknown as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true);
    expect(await page.getByTestId('realtime-status').getAttribute('data-status')).toBe('open');

    async function unreadCounts(): Promise<Record<string, number>> {
      return page.getByTestId('chat-list-item').evaluateAll((els) =>
        Object.fromEntries(
          els.map((el) => [el.getAttribute('data-jid')!, Number(el.querySelector('[data-testid="unread-badge"]')?.textContent?.trim() || 0)]),
        ),
      );
    }
  }, E2E_TEST_TIMEOUT);
});
