/**
 * Accessibility and the small truths of issue 13, in real Chromium against a sandbox gateway: axe-core
 * (node_modules/axe-core, injected into the page) on every main screen in both themes must find no `serious` or
 * `critical` violation; the theme switch applies, persists and defers to the system's scheme; the group info
 * panel shows the subject, participants with roles and names (never a bare LID); the nav links the API docs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { E2E_TEST_TIMEOUT, announceSkip, longestChat, openInbox, useE2eSuite } from './harness.js';

const skip = announceSkip('accessibility (a11y.test.ts)');
// The app's CSP (script-src 'self') rightly blocks page.addScriptTag (an inline <script>): axe is evaluated through
// the DevTools protocol instead, which a page's CSP does not govern.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WAIT = { timeout: 20_000 };

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe on the page as it is; returns the serious and critical violations, readable. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join(' | ')}`);
}

async function setTheme(page: Page, choice: 'light' | 'dark' | 'system'): Promise<void> {
  await page.getByTestId('theme-switch').selectOption(choice);
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'] ?? 'system')).toBe(choice);
}

describe.skipIf(skip)('accessibility in Chromium', () => {
  const suite = useE2eSuite({ ratePerMinute: 0 });

  it('signed out: no serious or critical violation in either scheme', async () => {
    const { page } = suite.browser;
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('about:blank');
      await page.goto(suite.gw.url);
      await page.getByTestId('signed-out').waitFor(WAIT);
      expect(await seriousViolations(page), `signed out, ${scheme}`).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: null });
  }, E2E_TEST_TIMEOUT);

  it('every main screen in both themes: sessions, inbox with a chat open, search, keys, webhooks', async () => {
    const { page } = suite.browser;
    const { jid } = longestChat(suite.gw);
    // Cards inside outgoing bubbles sit on the darkest light surfaces (a shade over --bubble-out); the sandbox's
    // history only sometimes has them, so send one of each, and the scan always sees them.
    const send = (body: object) => suite.gw.api('POST', `/sessions/${suite.gw.sessionId}/messages`, { body: { to: jid, ...body } });
    for (const body of [
      { type: 'location', latitude: 52.52, longitude: 13.405, name: 'Brandenburger Tor', address: 'Pariser Platz, 10117 Berlin' },
      { type: 'poll', name: 'Lunch?', options: ['Pizza', 'Salad'] },
      { type: 'document', data: Buffer.from('minutes').toString('base64'), mimetype: 'text/plain', filename: 'minutes.txt' },
    ]) {
      expect((await send(body)).status, JSON.stringify(body)).toBe(200);
    }
    await openInbox(page, suite.gw);
    const found: string[] = [];
    for (const choice of ['light', 'dark'] as const) {
      await setTheme(page, choice);
      await page.getByTestId('nav-sessions').click();
      await page.getByTestId('sessions-view').waitFor(WAIT);
      found.push(...(await seriousViolations(page)).map((v) => `[${choice} sessions] ${v}`));

      await page.getByTestId('nav-inbox').click();
      await page.locator(`[data-testid="chat-list-item"][data-jid="${jid}"]`).click();
      await page.getByTestId('chat-view').waitFor(WAIT);
      await page.locator('[data-testid="chat-view"] [data-testid="message-list"]').waitFor(WAIT);
      await page.locator('[data-direction="out"] [data-testid="location-address"]').last().waitFor(WAIT);
      found.push(...(await seriousViolations(page)).map((v) => `[${choice} inbox] ${v}`));

      await page.getByTestId('chat-search').fill('pizza');
      await page.getByTestId('search-hit').first().waitFor(WAIT);
      found.push(...(await seriousViolations(page)).map((v) => `[${choice} search] ${v}`));
      // The chat filter's picker, open (a combobox and its listbox).
      await page.getByTestId('search-filter-chat').click();
      await page.getByTestId('search-chat-option').nth(1).waitFor(WAIT);
      found.push(...(await seriousViolations(page)).map((v) => `[${choice} search chat picker] ${v}`));
      await page.getByTestId('search-filter-chat').press('Escape');
      await page.getByTestId('chat-search').fill('');

      await page.getByTestId('nav-keys').click();
      await page.getByTestId('keys-view').waitFor(WAIT);
      found.push(...(await seriousViolations(page)).map((v) => `[${choice} keys] ${v}`));

      await page.getByTestId('nav-webhooks').click();
      await page.getByTestId('webhooks-view').waitFor(WAIT);
      found.push(...(await seriousViolations(page)).map((v) => `[${choice} webhooks] ${v}`));
      await page.getByTestId('nav-inbox').click();
    }
    expect(found).toEqual([]);
  }, 4 * E2E_TEST_TIMEOUT);

  it('the theme switch applies at once, survives a reload, and "system" follows prefers-color-scheme', async () => {
    const { page } = suite.browser;
    await page.emulateMedia({ colorScheme: 'light' });
    await openInbox(page, suite.gw);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await setTheme(page, 'dark');
    const dark = await background();
    await setTheme(page, 'light');
    const light = await background();
    expect(dark).not.toBe(light);
    await setTheme(page, 'dark');
    await openInbox(page, suite.gw);
    expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    expect(await page.getByTestId('theme-switch').inputValue()).toBe('dark');
    expect(await background()).toBe(dark);
    // System: no attribute; the scheme the system reports decides.
    await setTheme(page, 'system');
    expect(await background()).toBe(light);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe(dark);
    await openInbox(page, suite.gw);
    expect(await page.getByTestId('theme-switch').inputValue()).toBe('system');
    await page.emulateMedia({ colorScheme: null });
  }, E2E_TEST_TIMEOUT);

  it('a visible focus ring: keyboard focus on a nav button draws an outline', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    await page.getByTestId('nav-sessions').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return { testid: el.dataset['testid'], style: s.outlineStyle, width: s.outlineWidth };
    });
    expect(outline).toEqual({ testid: 'nav-sessions', style: 'solid', width: '2px' });
  }, E2E_TEST_TIMEOUT);

  it('the group info panel: subject, participants with roles and names, no bare LID; Escape closes it', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const { jid } = longestChat(suite.gw);
    const expected = (await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/groups/${encodeURIComponent(jid)}`)).body;
    await page.locator(`[data-testid="chat-list-item"][data-jid="${jid}"]`).click();
    await page.getByTestId('group-info-open').click();
    const panel = page.getByTestId('group-info');
    await panel.getByTestId('group-member').first().waitFor(WAIT);
    expect(await panel.getByTestId('group-info-subject').textContent()).toBe(expected.subject);
    const names = await panel.getByTestId('group-member-name').allTextContents();
    expect(names).toEqual(expected.participants.map((p: { name: string }) => p.name));
    expect(names).toContain('You');
    for (const n of names) expect(n).not.toMatch(/\d{10,}|@lid/);
    expect(await panel.locator('[data-testid="group-member"][data-role="superadmin"]').count()).toBe(1);
    expect(await panel.getByTestId('group-member-role').first().textContent()).toBe('Group owner');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.isVisible()).toBe(false);
    // A person's chat has no group button.
    const dm = (await suite.gw.api('GET', `/sessions/${suite.gw.sessionId}/chats?limit=200`)).body.data.find((c: { type: string }) => c.type === 'dm');
    await page.locator(`[data-testid="chat-list-item"][data-jid="${dm.jid}"]`).click();
    await page.getByTestId('chat-view').waitFor(WAIT);
    expect(await page.getByTestId('group-info-open').count()).toBe(0);
  }, E2E_TEST_TIMEOUT);

  it('the nav links the API docs the gateway serves', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    const href = await page.getByTestId('nav-api-docs').getAttribute('href');
    expect(href).toBe(`${suite.gw.apiBase}/docs`);
    const res = await fetch(href!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger-ui');
  }, E2E_TEST_TIMEOUT);
});
