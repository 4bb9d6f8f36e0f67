/**
 * Chat export in real Chromium: the exported HTML (with its media, unpacked from the zip) opened from disk
 * makes no request but for its own files and logs no error; and the Export menu on the chat header downloads
 * a WhatsApp text export that parses back, and a zip whose media bytes hash to their names.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWhatsAppTxt } from '../../src-main/export/txt.js';
import { seedMediaChat, sha256 } from '../export/fixtures.js';
import { unzip } from '../export/unzip.js';
import { announceSkip, byTestIdAttr, E2E_TEST_TIMEOUT, longestChat, openInbox, useE2eSuite } from './harness.js';

const skip = announceSkip('chat export (export.test.ts)');
const MEDIA_CHAT = '120363099999999999@g.us';

describe.skipIf(skip)('chat export in Chromium', () => {
  let seeded: { image: Buffer; sha: string };
  const suite = useE2eSuite({
    ratePerMinute: 0,
    async prepare(gw) {
      seeded = await seedMediaChat(gw.running.store, gw.running.info.dataDir, gw.sessionId, MEDIA_CHAT);
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'wagw-export-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function fetchBytes(path: string): Promise<Buffer> {
    const res = await fetch(`${suite.gw.apiBase}${path}`, { headers: { authorization: `Bearer ${suite.gw.token}` } });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Opens a file and records every request the page makes and every request that fails. */
  async function openFromDisk(file: string): Promise<{ requests: string[]; failed: string[] }> {
    const { page } = suite.browser;
    const requests: string[] = [];
    const failed: string[] = [];
    const onRequest = (r: { url(): string }) => requests.push(r.url());
    const onFailed = (r: { url(): string }) => failed.push(r.url());
    page.on('request', onRequest);
    page.on('requestfailed', onFailed);
    try {
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Media load lazily: scroll to the end so every image is asked for.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.waitForFunction(() => [...document.images].every((img) => img.complete));
    } finally {
      page.off('request', onRequest);
      page.off('requestfailed', onFailed);
    }
    return { requests, failed };
  }

  it('the HTML of the longest chat opens from disk with no error and no request but the page', async () => {
    const long = longestChat(suite.gw);
    const html = await fetchBytes(`/sessions/${suite.gw.sessionId}/chats/${encodeURIComponent(long.jid)}/export?format=html`);
    const file = join(dir, 'long.html');
    writeFileSync(file, html);
    const { requests, failed } = await openFromDisk(file);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(failed).toEqual([]);
    const { page } = suite.browser;
    expect(await page.locator('.msg, .sys').count()).toBe(long.count);
    expect(await page.locator('script').count()).toBe(0);
  }, E2E_TEST_TIMEOUT);

  it('the zipped HTML shows its images from media/ and loads nothing else', async () => {
    const zip = unzip(await fetchBytes(`/sessions/${suite.gw.sessionId}/chats/${encodeURIComponent(MEDIA_CHAT)}/export?format=html&media=include`));
    const out = join(dir, 'zip');
    for (const [name, data] of zip) {
      mkdirSync(dirname(join(out, name)), { recursive: true });
      writeFileSync(join(out, name), data);
    }
    const page = join(out, 'WhatsApp Chat with Media _test_ group.html');
    const { requests, failed } = await openFromDisk(page);
    const image = pathToFileURL(join(out, 'media', `${seeded.sha}.png`)).href;
    expect(new Set(requests)).toEqual(new Set([pathToFileURL(page).href, image]));
    expect(failed).toEqual([]);
    const sizes = await suite.browser.page.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(sizes).toEqual([4, 4]);
  }, E2E_TEST_TIMEOUT);

  it('the Export menu downloads a txt that parses back and a zip with the media', async () => {
    const { page } = suite.browser;
    await openInbox(page, suite.gw);
    await page.locator(byTestIdAttr('chat-list-item', 'data-jid', MEDIA_CHAT)).click();
    await page.getByTestId('export-toggle').click();
    await page.getByTestId('export-format-txt').check();
    const [txt] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
    expect(txt.suggestedFilename()).toBe('WhatsApp Chat with Media _test_ group.txt');
    const txtPath = join(dir, 'menu.txt');
    await txt.saveAs(txtPath);
    expect(parseWhatsAppTxt(readFileSync(txtPath, 'utf8'))).toHaveLength(5);
    await expect.poll(() => page.getByTestId('export-progress').textContent()).toContain('5 messages');
    expect(await page.getByTestId('export-saved').textContent()).toContain('.txt');

    await page.getByTestId('export-format-html').check();
    await page.getByTestId('export-media').check();
    const [zip] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
    expect(zip.suggestedFilename()).toBe('WhatsApp Chat with Media _test_ group.zip');
    const zipPath = join(dir, 'menu.zip');
    await zip.saveAs(zipPath);
    const files = unzip(readFileSync(zipPath));
    expect(sha256(files.get(`media/${seeded.sha}.png`)!)).toBe(seeded.sha);
    expect(files.get('WhatsApp Chat with Media _test_ group.html')!.toString('utf8')).toContain(`src="media/${seeded.sha}.png"`);
  }, E2E_TEST_TIMEOUT);
});
