/**
 * A person's first hour in a chat (issue 13), in real Chromium against a real gateway with the sandbox
 * account: reply with a quote, react and take the reaction back, edit and delete our own messages, attach a
 * photo (the simulated contact receives it; the bubble shows the picture), a file over the limit refused
 * before uploading, opening an unread chat clears its badge and sends the read receipt, a failed send reads
 * as words with a Retry, the typing indicator, location, poll and forward.
 *
 * What the simulated contacts received is read from GET /sessions/{id}/sandbox (`received`, `readReceipts`,
 * `presence`), API.md "Sending and acting on messages: the details".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TYPING_IDLE_MS } from '../../src-renderer/src/lib/logic/typing.js';
import { announceSkip, byTestIdAttr, E2E_TEST_TIMEOUT, openInbox, REPO_ROOT, useE2eSuite, waitUntil, type E2eGateway } from './harness.js';

const skip = announceSkip('composer and chat actions (composer.test.ts)');

/** How long the UI gets to show what the gateway did (the machine running the tests is shared). */
const REACT_MS = 20_000;

interface ChatRow {
  jid: string;
  type: string;
  name: string | null;
  unreadCount: number;
}

interface Received {
  id: string;
  to: string;
  kind: string;
  text: string | null;
  at: number;
}

describe.skipIf(skip)('composer and chat actions in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 0 });
  const enc = encodeURIComponent;

  async function chats(gw: E2eGateway): Promise<ChatRow[]> {
    const res = await gw.api('GET', `/sessions/${gw.sessionId}/chats?limit=200`);
    expect(res.status).toBe(200);
    return res.body.data as ChatRow[];
  }

  async function messages(jid: string, limit = 50): Promise<any[]> {
    const res = await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/chats/${enc(jid)}/messages?limit=${limit}`);
    expect(res.status).toBe(200);
    return res.body.data as any[];
  }

  async function sandbox(): Promise<{ received: Received[]; readReceipts: { jid: string; ids: string[] }[]; presence: { jid: string; state: string; at: number }[] }> {
    const res = await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/sandbox`);
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Chats the tests already acted on: each test takes a fresh one when the sandbox has enough. */
  const used = new Set<string>();

  /** A read one-to-one chat with an incoming text message to act on (not one of the failing 000 numbers). */
  async function dmWithText(): Promise<{ jid: string; target: any }> {
    const candidates = (await chats(suite.gw)).filter((c) => c.type === 'dm' && !c.jid.startsWith('000') && c.unreadCount === 0);
    for (const fresh of [true, false]) {
      for (const chat of candidates) {
        if (fresh === used.has(chat.jid)) continue;
        const target = (await messages(chat.jid)).find((m) => !m.fromMe && m.type === 'text' && !m.deleted && m.body);
        if (!target) continue;
        used.add(chat.jid);
        return { jid: chat.jid, target };
      }
    }
    throw new Error('the sandbox has no read one-to-one chat with an incoming text message');
  }

  /** The bubble of a message, scrolled into the virtual list's window (from the newest message up). */
  async function reveal(page: Page, id: string): Promise<Locator> {
    const target = bubble(page, id);
    const list = page.getByTestId('message-list');
    for (let i = 0; i < 60 && (await target.count()) === 0; i++) {
      await list.evaluate((el) => el.scrollBy(0, -el.clientHeight * 0.8));
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    }
    await target.scrollIntoViewIfNeeded();
    return target;
  }

  async function openChat(page: Page, jid: string): Promise<Locator> {
    const item = page.locator(byTestIdAttr('chat-list-item', 'data-jid', jid));
    await expect.poll(() => item.count(), { timeout: REACT_MS }).toBe(1);
    await item.click();
    const view = page.locator(byTestIdAttr('chat-view', 'data-jid', jid));
    await view.waitFor();
    await page.getByTestId('message-bubble').first().waitFor();
    return view;
  }

  function bubble(page: Page, id: string): Locator {
    return page.locator(byTestIdAttr('message-bubble', 'data-message-id', id));
  }

  /** Types into the composer and sends with Enter; answers the id of the new outgoing message. */
  async function sendFromComposer(page: Page, jid: string, text: string): Promise<string> {
    const before = new Set((await messages(jid)).map((m) => m.id));
    const input = page.getByTestId('composer-input');
    await input.fill(text);
    await input.press('Enter');
    const id = await waitUntil(
      `the sent message "${text}" stored`,
      async () => ((await messages(jid)).find((m) => m.fromMe && !before.has(m.id) && m.body === text)?.id as string | undefined) ?? null,
      { timeoutMs: REACT_MS },
    );
    await bubble(page, id).waitFor({ timeout: REACT_MS });
    return id;
  }

  it('replies with a quote (Esc cancels); Shift+Enter makes a new line', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const { jid, target } = await dmWithText();
    await openChat(page, jid);
    const targetBubble = await reveal(page, target.id);
    await targetBubble.waitFor();

    // Reply, then Esc cancels it.
    await targetBubble.hover();
    await targetBubble.getByTestId('action-reply').click();
    const preview = page.getByTestId('reply-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-message-id')).toBe(target.id);
    expect(await preview.textContent()).toContain(target.body.slice(0, 20));
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');
    await page.getByTestId('composer-input').press('Escape');
    await preview.waitFor({ state: 'detached' });

    // Shift+Enter is a new line, not a send.
    const input = page.getByTestId('composer-input');
    await input.fill('first line');
    await input.press('Shift+Enter');
    await input.pressSequentially('second');
    expect(await input.inputValue()).toBe('first line\nsecond');
    await input.fill('');

    // Reply for real: the bubble shows the quote, the stored message quotes the target, the contact got it.
    await targetBubble.hover();
    await targetBubble.getByTestId('action-reply').click();
    await preview.waitFor();
    const replyId = await sendFromComposer(page, jid, 'Replying from the composer test');
    await preview.waitFor({ state: 'detached' });
    const quote = bubble(page, replyId).getByTestId('message-quote');
    await quote.waitFor();
    expect(await quote.getAttribute('data-quoted-id')).toBe(target.id);
    expect(await quote.textContent()).toContain(target.body.slice(0, 20));
    const stored = (await messages(jid)).find((m) => m.id === replyId);
    expect(stored.quotedMessageId).toBe(target.id);
    await expect.poll(async () => (await sandbox()).received.some((r) => r.id === replyId && r.to === jid && r.kind === 'text'), { timeout: REACT_MS }).toBe(true);
  }, E2E_TEST_TIMEOUT);

  it('reacts with an emoji, and picking it again takes it back', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const { jid, target } = await dmWithText();
    await openChat(page, jid);
    const targetBubble = await reveal(page, target.id);
    await targetBubble.hover();
    await targetBubble.getByTestId('action-react').click();
    const thumbs = targetBubble.locator('[data-testid="reaction-option"][data-emoji="👍"]');
    await thumbs.waitFor();
    expect(await thumbs.getAttribute('aria-pressed')).toBe('false');
    await thumbs.click();
    const badge = targetBubble.locator('[data-testid="reaction-badge"][data-emoji="👍"]');
    await badge.waitFor({ timeout: REACT_MS });
    // Stored on the target and sent to the contact.
    await expect
      .poll(async () => ((await messages(jid)).find((m) => m.id === target.id)?.reactions ?? []).map((r: any) => r.emoji), { timeout: REACT_MS })
      .toContain('👍');
    await expect.poll(async () => (await sandbox()).received.some((r) => r.kind === 'reaction' && r.to === jid), { timeout: REACT_MS }).toBe(true);

    // Our reaction shows as chosen; choosing it again removes it.
    await targetBubble.hover();
    await targetBubble.getByTestId('action-react').click();
    await expect.poll(() => thumbs.getAttribute('aria-pressed')).toBe('true');
    await thumbs.click();
    await badge.waitFor({ state: 'detached', timeout: REACT_MS });
    await expect
      .poll(async () => ((await messages(jid)).find((m) => m.id === target.id)?.reactions ?? []).map((r: any) => r.emoji), { timeout: REACT_MS })
      .not.toContain('👍');
  }, E2E_TEST_TIMEOUT);

  it('edits our own message (Esc cancels), then deletes messages for everyone and for me', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const { jid } = await dmWithText();
    await openChat(page, jid);
    const id = await sendFromComposer(page, jid, 'Meet at 5');
    const mine = bubble(page, id);

    // Edit: the text goes into the composer; Esc gives it back empty and unchanged.
    await mine.hover();
    await mine.getByTestId('action-edit').click();
    await page.getByTestId('edit-banner').waitFor();
    const input = page.getByTestId('composer-input');
    expect(await input.inputValue()).toBe('Meet at 5');
    await input.press('Escape');
    await page.getByTestId('edit-banner').waitFor({ state: 'detached' });
    expect(await input.inputValue()).toBe('');

    await mine.hover();
    await mine.getByTestId('action-edit').click();
    await input.fill('Meet at 6');
    await input.press('Enter');
    await mine.getByTestId('message-edited').waitFor({ timeout: REACT_MS });
    await expect.poll(() => mine.textContent(), { timeout: REACT_MS }).toContain('Meet at 6');
    const edited = (await messages(jid)).find((m) => m.id === id);
    expect(edited).toMatchObject({ body: 'Meet at 6', edited: true });
    await expect.poll(async () => (await sandbox()).received.some((r) => r.kind === 'edit' && r.to === jid), { timeout: REACT_MS }).toBe(true);

    // Delete for everyone: the bubble says it was deleted, the contact got the revoke.
    await mine.hover();
    await mine.getByTestId('action-delete').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByTestId('delete-message-scope').waitFor();
    expect(await dialog.getByTestId('delete-for-everyone').isChecked()).toBe(true);
    await dialog.getByTestId('confirm-ok').click();
    await mine.getByTestId('message-deleted').waitFor({ timeout: REACT_MS });
    expect((await messages(jid)).find((m) => m.id === id)?.deleted).toBe(true);
    await expect.poll(async () => (await sandbox()).received.some((r) => r.kind === 'delete' && r.to === jid), { timeout: REACT_MS }).toBe(true);

    // Delete for me (someone else's message: "for everyone" is not offered): gone from here and from the API.
    const theirs = (await messages(jid)).find((m) => !m.fromMe && m.type === 'text' && !m.deleted)!;
    const theirBubble = await reveal(page, theirs.id);
    await theirBubble.hover();
    await theirBubble.getByTestId('action-delete').click();
    await dialog.getByTestId('delete-message-scope').waitFor();
    expect(await dialog.getByTestId('delete-for-everyone').isDisabled()).toBe(true);
    expect(await dialog.getByTestId('delete-for-me').isChecked()).toBe(true);
    await dialog.getByTestId('confirm-ok').click();
    await theirBubble.waitFor({ state: 'detached', timeout: REACT_MS });
    expect((await messages(jid, 200)).some((m) => m.id === theirs.id)).toBe(false);
  }, E2E_TEST_TIMEOUT);

  it('attaches a photo with a caption: the contact receives it and the bubble shows the picture; an oversize file is refused first', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const { jid } = await dmWithText();
    await openChat(page, jid);

    // Over the limit: refused with the limit in words, and nothing is uploaded.
    const uploads: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST' && request.url().endsWith('/messages')) uploads.push(request.url());
    };
    page.on('request', onRequest);
    await page.getByTestId('attach-input').evaluate((input: HTMLInputElement) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(65 * 1024 * 1024)], 'holiday.mov', { type: 'video/quicktime' }));
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await expect.poll(() => page.getByTestId('composer-error').textContent()).toBe('holiday.mov is 65 MB: files can be at most 64 MB.');
    expect(await page.getByTestId('attachment-preview').count()).toBe(0);
    page.off('request', onRequest);
    expect(uploads).toEqual([]);

    // A file dropped on the chat is attached too (and can be removed again).
    await page.getByTestId('chat-view').evaluate((view) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['minutes of the meeting'], 'minutes.txt', { type: 'text/plain' }));
      view.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      view.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    const dropped = page.getByTestId('attachment-preview');
    await dropped.waitFor();
    expect(await dropped.getAttribute('data-kind')).toBe('document');
    expect(await dropped.textContent()).toContain('minutes.txt');
    await page.getByTestId('remove-attachment').click();
    await dropped.waitFor({ state: 'detached' });

    // A real photo through the paperclip's file input.
    const before = new Set((await messages(jid)).map((m) => m.id));
    await page.getByTestId('attach-input').setInputFiles({
      name: 'photo.jpg',
      mimeType: 'image/jpeg',
      buffer: readFileSync(join(REPO_ROOT, 'resources', 'sandbox-media', 'photo.jpg')),
    });
    const preview = page.getByTestId('attachment-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-kind')).toBe('image');
    await page.getByTestId('composer-input').fill('The view from here');
    await page.getByTestId('composer-input').press('Enter');
    await preview.waitFor({ state: 'detached', timeout: REACT_MS });
    await expect
      .poll(async () => (await messages(jid)).find((m) => m.fromMe && !before.has(m.id) && m.type === 'image')?.id ?? null, { timeout: REACT_MS })
      .not.toBeNull();
    const photo = (await messages(jid)).find((m) => m.fromMe && !before.has(m.id) && m.type === 'image')!;
    expect(photo.body).toBe('The view from here');
    expect(photo.media).toMatchObject({ mimetype: 'image/jpeg', state: 'done' });
    // The simulated contact got a photo from us.
    await expect.poll(async () => (await sandbox()).received.some((r) => r.id === photo.id && r.kind === 'image' && r.to === jid), { timeout: REACT_MS }).toBe(true);
    // The bubble shows the picture (the file we sent, or the stored copy).
    const image = bubble(page, photo.id).getByTestId('media-image');
    await image.waitFor({ timeout: REACT_MS });
    await expect.poll(() => image.getAttribute('data-loaded'), { timeout: REACT_MS }).not.toBe('none');
    await expect
      .poll(() => image.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: REACT_MS })
      .toBe(true);

    // After a reload (no local copy of the file any more) the stored photo still shows: the gateway serves it.
    await openInbox(page, suite.gw);
    await openChat(page, jid);
    const stored = bubble(page, photo.id).getByTestId('media-image');
    await stored.waitFor({ timeout: REACT_MS });
    await expect
      .poll(() => stored.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false), { timeout: REACT_MS })
      .toBe(true);
    expect(await bubble(page, photo.id).textContent()).toContain('The view from here');
  }, E2E_TEST_TIMEOUT);

  it('opening an unread chat clears its badge and sends the read receipt; a chat with nothing unread is not marked', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const reads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && /\/read(\?|$)/.test(request.url())) reads.push(decodeURIComponent(request.url()));
    });

    // A chat with nothing unread: opening it asks nothing.
    const { jid: readJid } = await dmWithText();
    await openChat(page, readJid);

    const unread = (await chats(suite.gw)).find((c) => c.unreadCount > 0 && !c.jid.startsWith('000') && !c.jid.endsWith('@newsletter'));
    expect(unread, 'a chat with unread messages in the sandbox').toBeTruthy();
    const item = page.locator(byTestIdAttr('chat-list-item', 'data-jid', unread!.jid));
    await item.getByTestId('unread-badge').waitFor();
    await openChat(page, unread!.jid);
    await item.getByTestId('unread-badge').waitFor({ state: 'detached', timeout: REACT_MS });
    await expect.poll(async () => (await chats(suite.gw)).find((c) => c.jid === unread!.jid)?.unreadCount, { timeout: REACT_MS }).toBe(0);
    // The contact sees blue ticks: the sandbox got read receipts for this chat.
    await expect
      .poll(async () => (await sandbox()).readReceipts.some((r) => r.jid === unread!.jid && r.ids.length > 0), { timeout: REACT_MS })
      .toBe(true);
    expect(reads.every((url) => url.includes(unread!.jid))).toBe(true);
    expect(reads.some((url) => url.includes(readJid))).toBe(false);
    expect(reads.length).toBe(1);
  }, E2E_TEST_TIMEOUT);

  it('a failed send reads as words, never a bare code, and Retry sends it again', async () => {
    const { page } = suite.browser;
    // A number starting with 000 is accepted, then refused by WhatsApp with error 463 (the sandbox's rule).
    const jid = '0004155550123@s.whatsapp.net';
    const first = await suite.gw.api('POST', `/sessions/${suite.gw.sessionId}/messages`, { body: { type: 'text', to: jid, text: 'hello?' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    await expect.poll(async () => (await messages(jid)).find((m) => m.id === first.body.waMessageId)?.status, { timeout: REACT_MS }).toBe('error');
    await openInbox(page, suite.gw);
    await openChat(page, jid);

    const id = await sendFromComposer(page, jid, 'Are you there?');
    const failed = bubble(page, id);
    await expect.poll(() => failed.getAttribute('data-status'), { timeout: REACT_MS }).toBe('error');
    const error = failed.getByTestId('message-error');
    await error.waitFor();
    const text = (await error.textContent())!.replace(/^⚠\s*/, '');
    expect(text).not.toMatch(/^\s*\d+\s*$/);
    expect(text.length).toBeGreaterThan(15);
    expect(text).toMatch(/WhatsApp/);

    const retried = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes(':retry'));
    await failed.getByTestId('retry-send').click();
    const response = await retried;
    expect(response.status()).toBe(200);
    expect((await response.json()).waMessageId).toBe(id);
    // Sent again under the same id (the contact's inbox sees it twice), then refused again by the sandbox.
    await expect.poll(async () => (await sandbox()).received.filter((r) => r.id === id).length, { timeout: REACT_MS }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => failed.getAttribute('data-status'), { timeout: REACT_MS }).toBe('error');
    await failed.getByTestId('retry-send').waitFor();
  }, E2E_TEST_TIMEOUT);

  it('sends a location and a poll from their forms, and forwards a message to another chat', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const { jid, target } = await dmWithText();
    await openChat(page, jid);

    await page.getByTestId('location-button').click();
    const location = page.getByTestId('location-form');
    await location.getByTestId('location-latitude').fill('200');
    await location.getByTestId('location-longitude').fill('2.35');
    await location.getByTestId('location-send').click();
    await location.getByTestId('location-problem').waitFor();
    await location.getByTestId('location-latitude').fill('48.8584');
    await location.getByTestId('location-longitude').fill('2.2945');
    await location.getByTestId('location-name').fill('Eiffel Tower');
    await location.getByTestId('location-send').click();
    await location.waitFor({ state: 'detached', timeout: REACT_MS });
    await expect
      .poll(async () => (await messages(jid)).find((m) => m.fromMe && m.type === 'location')?.location?.name ?? null, { timeout: REACT_MS })
      .toBe('Eiffel Tower');

    await page.getByTestId('poll-button').click();
    const poll = page.getByTestId('poll-form');
    await poll.getByTestId('poll-question').fill('Lunch?');
    const options = poll.getByTestId('poll-option');
    await options.nth(0).fill('Pizza');
    await options.nth(1).fill('Sushi');
    await poll.getByTestId('poll-add-option').click();
    await options.nth(2).fill('Salad');
    await poll.getByTestId('poll-send').click();
    await poll.waitFor({ state: 'detached', timeout: REACT_MS });
    await expect
      .poll(async () => (await messages(jid)).find((m) => m.fromMe && m.type === 'poll')?.poll?.options.map((o: any) => o.name) ?? null, { timeout: REACT_MS })
      .toEqual(['Pizza', 'Sushi', 'Salad']);
    await expect
      .poll(async () => (await sandbox()).received.filter((r) => r.to === jid).map((r) => r.kind), { timeout: REACT_MS })
      .toEqual(expect.arrayContaining(['location', 'poll']));

    // Forward the incoming message to another chat picked from the list.
    const other = (await chats(suite.gw)).find((c) => c.type === 'dm' && c.jid !== jid && !c.jid.startsWith('000'))!;
    const targetBubble = await reveal(page, target.id);
    await targetBubble.hover();
    await targetBubble.getByTestId('action-forward').click();
    const dialog = page.getByTestId('forward-dialog');
    await dialog.getByTestId('forward-search').waitFor();
    await dialog.locator(byTestIdAttr('forward-target', 'data-jid', other.jid)).click();
    await dialog.getByTestId('forward-search').waitFor({ state: 'detached', timeout: REACT_MS });
    await expect.poll(async () => (await sandbox()).received.some((r) => r.kind === 'forward' && r.to === other.jid), { timeout: REACT_MS }).toBe(true);
    await expect
      .poll(async () => (await messages(other.jid)).some((m) => m.fromMe && m.body === target.body), { timeout: REACT_MS })
      .toBe(true);
  }, E2E_TEST_TIMEOUT);

  it('the message actions are reachable by keyboard, with labels', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const { jid, target } = await dmWithText();
    await openChat(page, jid);
    const toolbar = (await reveal(page, target.id)).getByTestId('message-actions');
    expect(await toolbar.getAttribute('role')).toBe('toolbar');
    // Every icon button has a name.
    const unnamed = await page
      .getByTestId('chat-view')
      .locator('button')
      .evaluateAll((buttons) => buttons.filter((b) => !(b.getAttribute('aria-label') || b.textContent?.trim())).length);
    expect(unnamed).toBe(0);
    // Focus the toolbar's first button, move with the arrows, open the reactions with Enter, Esc closes them.
    await toolbar.getByTestId('action-reply').focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('action-react');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('reaction-option');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('action-react');
    // Reply by keyboard: the composer takes the focus.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.getByTestId('reply-preview').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('composer-input');
    await page.keyboard.press('Escape');
    await page.getByTestId('reply-preview').waitFor({ state: 'detached' });
  }, E2E_TEST_TIMEOUT);

  // Last: it installs a fake clock in the page (the idle timer must not be what says `paused`).
  it('typing is sent while typing and stops when the text is cleared, when the message is sent, and after the idle delay', async () => {
    const { page } = suite.browser;
    await page.clock.install();
    await openInbox(page, suite.gw);
    const { jid } = await dmWithText();
    await openChat(page, jid);
    const last = async () => (await sandbox()).presence.filter((p) => p.jid === jid).map((p) => p.state).at(-1) ?? null;
    const input = page.getByTestId('composer-input');
    try {
      // From here the page's timers only run when the test moves its clock.
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1000);
      await input.fill('On my');
      await expect.poll(last, { timeout: REACT_MS }).toBe('composing');
      await input.fill('');
      await expect.poll(last, { timeout: REACT_MS }).toBe('paused');

      await input.fill('On my way');
      await expect.poll(last, { timeout: REACT_MS }).toBe('composing');
      const before = (await sandbox()).received.length;
      await input.press('Enter');
      await expect.poll(async () => (await sandbox()).received.length, { timeout: REACT_MS }).toBeGreaterThan(before);
      await expect.poll(last, { timeout: REACT_MS }).toBe('paused');

      // The idle delay, on the page's clock: not a moment before TYPING_IDLE_MS.
      await input.fill('Wait');
      await expect.poll(last, { timeout: REACT_MS }).toBe('composing');
      await page.clock.runFor(TYPING_IDLE_MS - 1000);
      expect(await last()).toBe('composing');
      await page.clock.runFor(1000);
      await expect.poll(last, { timeout: REACT_MS }).toBe('paused');
    } finally {
      await page.clock.resume();
    }
  }, E2E_TEST_TIMEOUT);
});
