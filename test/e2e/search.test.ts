/**
 * Search in the UI (issue 10), in real Chromium against a sandbox gateway: type a word, results grouped by
 * chat with highlighted snippets, click (or arrow keys + Enter) a result, and the chat opens AT that message,
 * highlighted and in view, pageable both ways from there.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { textRecord } from '../helpers/gateway.js';
import { byTestIdAttr, E2E_TEST_TIMEOUT, announceSkip, longestChat, openInbox, useE2eSuite, type E2eGateway } from './harness.js';

const skip = announceSkip('search in the UI (search.test.ts)');
const WAIT = { timeout: 20_000 };
const DEEP_ID = 'E2E-SEARCH-DEEP';

/** A message with a unique word in the middle of the longest chat: far from the newest page. */
function seedDeepMessage(gw: E2eGateway): void {
  const { jid } = longestChat(gw);
  const rows = gw.running.store.db
    .prepare('SELECT timestamp FROM messages WHERE session_id = ? AND chat_jid = ? ORDER BY timestamp')
    .all(gw.sessionId, jid) as { timestamp: number }[];
  const middle = rows[Math.floor(rows.length / 2)]!.timestamp;
  gw.running.store.messages.insert(gw.sessionId, textRecord(jid, DEEP_ID, middle + 1, 'Margherita with Schönes basil, deep in history'));
}

/** True when the element is inside the scroller's visible area. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const list = document.querySelector('[data-testid="message-list"]');
    if (!el || !list) return false;
    const a = el.getBoundingClientRect();
    const b = list.getBoundingClientRect();
    return a.bottom > b.top && a.top < b.bottom;
  }, selector);
}

describe.skipIf(skip)('message search in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 0, prepare: seedDeepMessage });

  it('type a word: results grouped by chat with <mark> hits; click one: the chat opens at it, highlighted', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    await page.getByTestId('chat-search').fill('pizza');
    const hits = page.getByTestId('search-hit');
    await hits.first().waitFor(WAIT);
    expect(await page.getByTestId('search-group').count()).toBeGreaterThan(0);
    const marks = await page.locator('[data-testid="search-hit"] mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    for (const m of marks) expect(m.toLowerCase()).toContain('pizza');
    const first = hits.first();
    const id = (await first.getAttribute('data-message-id'))!;
    await first.click();
    const highlighted = byTestIdAttr('highlighted-message', 'data-message-id', id);
    await page.locator(highlighted).waitFor(WAIT);
    await expect.poll(() => inView(page, highlighted), WAIT).toBe(true);
  }, E2E_TEST_TIMEOUT);

  it('a hit deep in history (accent-insensitive, keyboard): opens there, then pages newer to the end and older', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const box = page.getByTestId('chat-search');
    await box.fill('schones margherita');
    await page.locator(byTestIdAttr('search-hit', 'data-message-id', DEEP_ID)).waitFor(WAIT);
    await box.press('ArrowDown');
    await box.press('Enter');
    const highlighted = byTestIdAttr('highlighted-message', 'data-message-id', DEEP_ID);
    await page.locator(highlighted).waitFor(WAIT);
    await expect.poll(() => inView(page, highlighted), WAIT).toBe(true);
    const { jid } = longestChat(suite.gw);
    // The newest with a row of its own: a reaction is a badge on its target (MessageList folds them), and the
    // sandbox's live traffic can make one the chat's latest message.
    const newest = suite.gw.running.store.db
      .prepare(
        "SELECT wa_message_id FROM messages WHERE session_id = ? AND chat_jid = ? AND type <> 'reaction' ORDER BY timestamp DESC, pk DESC LIMIT 1",
      )
      .get(suite.gw.sessionId, jid) as { wa_message_id: string };
    const oldest = suite.gw.running.store.db
      .prepare("SELECT wa_message_id AS id FROM messages WHERE session_id = ? AND chat_jid = ? AND type <> 'reaction' ORDER BY timestamp, pk LIMIT 1")
      .get(suite.gw.sessionId, jid) as { id: string };
    const list = page.getByTestId('message-list');
    const total = () => list.getAttribute('data-total').then(Number);
    const before = await total();
    // Scrolling down pages newer until the newest message of the chat is loaded (and shown at the bottom).
    await expect
      .poll(async () => {
        await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
        return page.locator(`[data-vkey="m:${newest.wa_message_id}"]`).count();
      }, { timeout: 60_000 })
      .toBe(1);
    expect(await total()).toBeGreaterThan(before);
    // And up, older, to the start of the stored history.
    await expect
      .poll(async () => {
        await list.evaluate((el) => (el.scrollTop = 0));
        return page.locator(`[data-vkey="m:${oldest.id}"]`).count();
      }, { timeout: 60_000 })
      .toBe(1);
    // Nothing skipped: the UI holds a row for every message of the chat but reactions, which are badges on
    // their target (MessageList folds them), and is still loading nothing.
    const count = (
      suite.gw.running.store.db
        .prepare(`SELECT count(*) AS n FROM messages WHERE session_id = ? AND chat_jid = ? AND type <> 'reaction'`)
        .get(suite.gw.sessionId, jid) as { n: number }
    ).n;
    const rows = await page.evaluate(() => Number(document.querySelector('[data-testid="message-list"]')!.getAttribute('data-total')));
    const days = await page.getByTestId('day-separator').count();
    expect(rows).toBeGreaterThanOrEqual(count);
    expect(days).toBeGreaterThan(0);
  }, E2E_TEST_TIMEOUT);
});
