/**
 * Webhooks end to end, in real Chromium against a real gateway (sandbox account) and a real loopback receiver
 * that verifies every request with `standardwebhooks` (test/webhooks/helpers.ts): create a webhook in the UI,
 * the secret shown once, "Send test" succeeds in the log with a 2xx, a failed delivery (receiver answering 500)
 * is retried from the log and reaches the receiver with the same webhook-id.
 */
import { describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../webhooks/helpers.js';
import { announceSkip, byTestIdAttr, E2E_TEST_TIMEOUT, openInbox, useE2eSuite } from './harness.js';

const skip = announceSkip('webhooks UI (webhooks.test.ts)');

/** Deliveries reach the receiver within milliseconds; the log is re-read every 2 s (webhooks.svelte.ts). */
const SEEN_MS = 20_000;

describe.skipIf(skip)('webhooks in the UI, with a verifying receiver', () => {
  let rx: Receiver | undefined;
  const suite = useE2eSuite({
    ratePerMinute: 0,
    prepare: async () => {
      rx = await startReceiver();
    },
  });
  const receiver = () => rx!;

  it('create (secret once) -> Send test succeeds with 2xx -> a failed delivery retried succeeds with the same webhook-id', async () => {
    const { page } = suite.browser;
    const r = receiver();
    try {
      await openInbox(page, suite.gw);
      await page.getByTestId('nav-webhooks').click();
      await page.getByTestId('webhooks-empty').waitFor();

      // Create: only test events, so the sandbox's own traffic does not reach this receiver.
      await page.getByLabel('URL').first().fill(r.url);
      await page.getByTestId('webhook-create-description').fill('e2e receiver');
      await page.getByTestId('webhook-create-all-events').uncheck();
      await page.getByTestId('webhook-create-event-webhook.test').check();
      await page.getByTestId('webhook-create-submit').click();

      const secretText = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? '';
      expect(secretText).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      r.secret = secretText;
      const row = page.getByTestId('webhook-row');
      await expect.poll(() => row.count()).toBe(1);
      const id = await row.getAttribute('data-webhook-id');
      expect(id).toMatch(/^wh_/);
      const listed = await suite.gw.api('GET', `/webhooks/${id}`);
      expect(listed.body).toMatchObject({ url: r.url, events: ['webhook.test'], description: 'e2e receiver', enabled: true });
      expect(JSON.stringify(listed.body)).not.toContain(secretText);

      // Shown once: dismissed, it is gone, and a reload does not bring it back.
      await page.getByTestId('webhook-secret-dismiss').click();
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);
      await openInbox(page, suite.gw);
      await page.getByTestId('nav-webhooks').click();
      await row.waitFor();
      expect(await page.content()).not.toContain(secretText);

      // Send test: a signed request the receiver verifies; the log shows it succeeded with its 2xx.
      await page.getByTestId('webhook-test').click();
      const deliveries = page.getByTestId('webhook-delivery');
      await expect.poll(() => deliveries.first().getAttribute('data-status'), { timeout: SEEN_MS }).toBe('succeeded');
      expect(await deliveries.first().getByTestId('webhook-delivery-http').textContent()).toBe('204');
      expect(r.rejected).toEqual([]);
      expect(r.received).toHaveLength(1);
      expect(r.received[0]!.frame).toMatchObject({ event: 'webhook.test', payload: { endpointId: id } });
      expect(r.received[0]!.id).toBe(await deliveries.first().getAttribute('data-event-id'));
      await expect.poll(() => page.getByTestId('webhook-last-success').textContent(), { timeout: SEEN_MS }).not.toBe('never');

      // The receiver fails: the next test delivery fails with its status code and response snippet.
      r.behaviour = () => ({ status: 500, body: 'receiver is down' });
      await page.getByTestId('webhook-test').click();
      await expect.poll(() => deliveries.count(), { timeout: SEEN_MS }).toBe(2);
      const failed = deliveries.first();
      await expect.poll(() => failed.getAttribute('data-status'), { timeout: SEEN_MS }).toBe('failed');
      expect(await failed.getByTestId('webhook-delivery-http').textContent()).toBe('500');
      expect(await failed.getByTestId('webhook-delivery-snippet').textContent()).toBe('receiver is down');
      await expect.poll(() => page.getByTestId('webhook-failures').textContent(), { timeout: SEEN_MS }).toBe('1');
      const deliveryId = (await failed.getAttribute('data-delivery-id'))!;
      const eventId = (await failed.getAttribute('data-event-id'))!;
      const before = suite.gw.running.store.webhooks.getDeliveryOf(id!, deliveryId)!;
      expect(before.status).toBe('failed');

      // Receiver back; Retry sends it now (well before the backoff's next attempt) with the same webhook-id.
      r.behaviour = () => ({ status: 200, body: 'ok' });
      await page.locator(byTestIdAttr('webhook-delivery', 'data-delivery-id', deliveryId)).getByTestId('webhook-delivery-retry').click();
      const retried = page.locator(byTestIdAttr('webhook-delivery', 'data-delivery-id', deliveryId));
      await expect.poll(() => retried.getAttribute('data-status'), { timeout: SEEN_MS }).toBe('succeeded');
      expect(await retried.getByTestId('webhook-delivery-http').textContent()).toBe('200');
      expect(r.received.map((x) => x.id)).toEqual([r.received[0]!.id, eventId]);
      expect(r.rejected).toEqual([]);
      const after = suite.gw.running.store.webhooks.getDeliveryOf(id!, deliveryId)!;
      expect(after.status).toBe('succeeded');
      // Not the worker's own backoff retry: it succeeded before that retry was due.
      expect(after.last_attempt_at!).toBeLessThan(before.next_attempt_at!);
      await expect.poll(() => page.getByTestId('webhook-failures').textContent(), { timeout: SEEN_MS }).toBe('0');
      expect(await retried.getByTestId('webhook-delivery-retry').count()).toBe(0);
    } finally {
      await r.close();
    }
  }, E2E_TEST_TIMEOUT);
  it('edit, disable and enable, rotate the secret (shown once more), delete after a confirmation', async () => {
    const { page } = suite.browser;
    const created = await suite.gw.api('POST', '/webhooks', { body: { url: 'http://127.0.0.1:9/manage', events: ['webhook.test'] } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await openInbox(page, suite.gw);
    await page.getByTestId('nav-webhooks').click();
    const row = page.locator(byTestIdAttr('webhook-row', 'data-webhook-id', id));
    await row.waitFor();

    await row.getByTestId('webhook-edit').click();
    await row.getByTestId('webhook-edit-description').fill('edited in the UI');
    await row.getByTestId('webhook-edit-event-message').check();
    await row.getByTestId('webhook-edit-submit').click();
    await row.getByTestId('webhook-edit-form').waitFor({ state: 'detached' });
    expect(await row.textContent()).toContain('edited in the UI');
    expect((await suite.gw.api('GET', `/webhooks/${id}`)).body).toMatchObject({ description: 'edited in the UI', events: ['message', 'webhook.test'] });

    await row.getByTestId('webhook-toggle').click();
    await row.getByTestId('webhook-disabled').waitFor();
    expect(await row.getByTestId('webhook-test').isDisabled()).toBe(true);
    expect((await suite.gw.api('GET', `/webhooks/${id}`)).body.enabled).toBe(false);
    await row.getByTestId('webhook-toggle').click();
    await row.getByTestId('webhook-disabled').waitFor({ state: 'detached' });
    expect((await suite.gw.api('GET', `/webhooks/${id}`)).body.enabled).toBe(true);

    await row.getByTestId('webhook-rotate').click();
    const dialog = page.locator('dialog[open][data-testid="confirm-dialog"]');
    await dialog.getByTestId('confirm-ok').click();
    const rotated = (await page.getByTestId('webhook-secret').textContent())?.trim() ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(created.body.secret);
    expect(suite.gw.running.store.webhooks.getEndpoint(id)!.secret).toBe(rotated);
    await page.getByTestId('webhook-secret-dismiss').click();

    await row.getByTestId('webhook-delete').click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('http://127.0.0.1:9/manage');
    await dialog.getByTestId('confirm-ok').click();
    await row.waitFor({ state: 'detached' });
    expect((await suite.gw.api('GET', `/webhooks/${id}`)).status).toBe(404);
  }, E2E_TEST_TIMEOUT);
});
