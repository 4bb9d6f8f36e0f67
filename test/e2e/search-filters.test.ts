/**
 * The message search's filters and its indexing notice in the UI (issue 10), in real Chromium against a
 * sandbox gateway. Filters: a type, then a chat chosen in the chat picker with the keyboard, then a range of
 * days; after each the results shown are exactly the API's answer for the same filters (first page), every
 * one of the chosen type / in the chosen chat / inside the days, and not what was shown before. Indexing:
 * with more queued messages than a search indexes first, the answer says the index is incomplete, the UI
 * shows "Indexing N messages…" with progress, follows the indexer, and searches again once it is done.
 *
 * The gateway's background indexer is held off (it looks for queued rows once an hour) so the test decides
 * when indexing happens: the sandbox history is indexed before the browser starts, and the indexing notice
 * test indexes by calling what the background indexer runs (runSearchBackfill).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SEARCH_INDEXES_FIRST } from '../../src-main/store/repositories/search.js';
import { runSearchBackfill } from '../../src-main/store/search-backfill.js';
import { textRecord } from '../helpers/gateway.js';
import { byTestIdAttr, E2E_TEST_TIMEOUT, announceSkip, longestChat, openInbox, useE2eSuite, type E2eGateway } from './harness.js';

const skip = announceSkip('search filters and indexing notice (search-filters.test.ts)');
const WAIT = { timeout: 20_000 };
const Q = 'pizza';
const DAY = 86_400_000;

interface Hit {
  key: string;
  chat: string;
  chatName: string;
  type: string;
  timestamp: number;
}

/** The API's answer for the same query and filters as the UI's (first page of 30, the UI's page size). */
async function apiHits(gw: E2eGateway, filters: Record<string, string | number> = {}, all = false): Promise<Hit[]> {
  const hits: Hit[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ q: Q, limit: all ? '100' : '30', ...Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, String(v)])) });
    if (cursor) params.set('cursor', cursor);
    const res = await gw.api('GET', `/sessions/${gw.sessionId}/messages/search?${params}`);
    expect(res.status).toBe(200);
    expect(res.body.index).toEqual({ complete: true, pending: 0 });
    for (const h of res.body.data) {
      hits.push({ key: `${h.chat.jid}/${h.message.id}`, chat: h.chat.jid, chatName: h.chat.name, type: h.message.type, timestamp: h.message.timestamp });
    }
    cursor = all ? res.body.nextCursor : null;
  } while (cursor);
  return hits;
}

/** What the UI shows now, sorted (the UI groups hits by chat, so its order is not the API's). */
async function uiHits(page: Page): Promise<Hit[]> {
  const rows = await page.locator('[data-testid="search-hit"]').evaluateAll((els) =>
    els.map((el) => ({
      chat: el.getAttribute('data-chat-jid') ?? '',
      id: el.getAttribute('data-message-id') ?? '',
      type: el.getAttribute('data-type') ?? '',
      timestamp: Number(el.getAttribute('data-timestamp')),
    })),
  );
  return rows.map((r) => ({ key: `${r.chat}/${r.id}`, chat: r.chat, chatName: '', type: r.type, timestamp: r.timestamp })).sort((a, b) => a.key.localeCompare(b.key));
}

const keys = (hits: Hit[]) => hits.map((h) => h.key).sort();

/** Waits until the UI shows exactly `want` (and is not loading). */
async function showsExactly(page: Page, want: Hit[]): Promise<Hit[]> {
  expect(want.length, 'the API finds something for these filters').toBeGreaterThan(0);
  await expect.poll(async () => keys(await uiHits(page)), WAIT).toEqual(keys(want));
  return uiHits(page);
}

/** yyyy-mm-dd of an instant in UTC (the browser runs with timezoneId UTC). */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;

describe.skipIf(skip)('message search filters and indexing notice in Chromium', () => {
  const suite = useE2eSuite({
    config: { searchIndexIntervalMs: 3_600_000 },
    prepare: async (gw) => {
      await runSearchBackfill(gw.running.store);
    },
  });

  it('type, chat (picker, keyboard) and a range of days: the results are the API answer for them, each inside', async () => {
    const { page } = suite.browser;
    const { gw } = suite;
    await openInbox(page, gw);
    await page.getByTestId('chat-search').fill(Q);
    const unfiltered = await showsExactly(page, await apiHits(gw));
    const all = await apiHits(gw, {}, true);

    // Type: one the hits have, but not all of them.
    const types = [...new Set(all.map((h) => h.type))];
    const type = types.find((t) => t !== 'text') ?? 'text';
    expect(all.some((h) => h.type !== type), `hits of another type than ${type}`).toBe(true);
    await page.getByTestId('search-filter-type').selectOption(type);
    const typed = await showsExactly(page, await apiHits(gw, { type }));
    for (const h of typed) expect(h.type).toBe(type);
    expect(keys(typed)).not.toEqual(keys(unfiltered));
    await page.getByTestId('search-filter-type').selectOption('');
    await showsExactly(page, await apiHits(gw));

    // Chat: the one with the most hits (there are others), chosen by typing its name, arrow keys and Enter.
    const byChat = new Map<string, Hit[]>();
    for (const h of all) byChat.set(h.chat, [...(byChat.get(h.chat) ?? []), h]);
    expect(byChat.size, 'hits in several chats').toBeGreaterThan(1);
    const [chat, chatHits] = [...byChat.entries()].filter(([jid]) => !jid.endsWith('@newsletter')).sort((a, b) => b[1].length - a[1].length)[0]!;
    const picker = page.getByTestId('search-filter-chat');
    await picker.click();
    await page.getByTestId('search-chat-option').first().waitFor(WAIT);
    await picker.fill(chatHits[0]!.chatName);
    // The first chat matching the name is selected; move to the wanted one if another matches first.
    const option = page.locator(byTestIdAttr('search-chat-option', 'data-jid', chat));
    await option.waitFor(WAIT);
    const position = await page.getByTestId('search-chat-option').evaluateAll((els, jid) => els.findIndex((el) => el.getAttribute('data-jid') === jid), chat);
    for (let i = 1; i < position; i++) await picker.press('ArrowDown');
    await expect.poll(() => option.getAttribute('aria-selected')).toBe('true');
    await picker.press('Enter');
    await expect.poll(() => picker.getAttribute('data-jid')).toBe(chat);
    expect(await picker.inputValue()).toBe(chatHits[0]!.chatName);
    const inChat = await showsExactly(page, await apiHits(gw, { chat }));
    for (const h of inChat) expect(h.chat).toBe(chat);
    expect(keys(inChat)).not.toEqual(keys(unfiltered));

    // Days: from the day of the chat's middle hit to the day of its newest, which leaves its older days out.
    const times = chatHits.map((h) => h.timestamp).sort((a, b) => a - b);
    const from = startOfDay(times[Math.floor(times.length / 2)]!);
    const to = startOfDay(times[times.length - 1]!);
    expect(times[0]!, 'the chat has hits on several days').toBeLessThan(from);
    await page.getByTestId('search-filter-since').fill(day(from));
    await page.getByTestId('search-filter-until').fill(day(to));
    const ranged = await showsExactly(page, await apiHits(gw, { chat, after: from - 1, before: to + DAY }));
    for (const h of ranged) {
      expect(h.chat).toBe(chat);
      expect(h.timestamp).toBeGreaterThanOrEqual(from);
      expect(h.timestamp).toBeLessThan(to + DAY);
    }
    expect(keys(ranged)).not.toEqual(keys(inChat));

    // Back to all chats (the clear button): the same days, every chat.
    await page.getByTestId('search-filter-chat-clear').click();
    await expect.poll(() => picker.getAttribute('data-jid')).toBe('');
    await showsExactly(page, await apiHits(gw, { after: from - 1, before: to + DAY }));
  }, E2E_TEST_TIMEOUT);

  it('more queued than a search indexes: "Indexing N messages…" with progress, gone once indexed, and the search runs again', async () => {
    const { page } = suite.browser;
    const { gw } = suite;
    const store = gw.running.store;
    // A large history chunk, as a phone sends on a big sync: queued for the indexer, not indexed yet.
    const extra = 777;
    const { jid } = longestChat(gw);
    const t0 = Date.UTC(2020, 0, 1);
    const records = Array.from({ length: SEARCH_INDEXES_FIRST + extra }, (_, i) => textRecord(jid, `IDX-${i}`, t0 + i * 1000, `zebra w${i}`));
    expect(store.messages.insertMany(gw.sessionId, records, Date.now())).toBe(records.length);

    await openInbox(page, gw);
    // The oldest is among the rows this search cannot index first (the queue is indexed newest first).
    await page.getByTestId('chat-search').fill('zebra w0');
    const notice = page.getByTestId('search-index-notice');
    await notice.waitFor(WAIT);
    expect(await notice.getAttribute('data-pending')).toBe(String(extra));
    expect(await notice.textContent()).toContain(`Indexing ${extra} messages… results may be incomplete`);
    await page.getByTestId('search-empty').waitFor(WAIT);
    const progress = page.getByTestId('search-index-progress');
    expect(await progress.evaluate((el: HTMLProgressElement) => [el.max, el.value])).toEqual([extra, 0]);

    // One step of the indexer: the notice follows (polling the status route).
    store.search.backfill(300);
    await expect.poll(() => notice.getAttribute('data-pending'), WAIT).toBe(String(extra - 300));
    expect(await progress.evaluate((el: HTMLProgressElement) => [el.max, el.value])).toEqual([extra, 300]);

    // The rest: the notice goes, and the search runs again and finds the oldest message.
    await runSearchBackfill(store);
    await page.locator(byTestIdAttr('search-hit', 'data-message-id', 'IDX-0')).waitFor(WAIT);
    await expect.poll(() => notice.count(), WAIT).toBe(0);
  }, E2E_TEST_TIMEOUT);
});
