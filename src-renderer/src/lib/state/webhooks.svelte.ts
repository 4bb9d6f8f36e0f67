/**
 * Webhook endpoints and the delivery log of the one being inspected (the `/webhooks` routes). While the view
 * is open, watch() re-reads both every few seconds (deliveries change on the gateway's own schedule: retries,
 * backoff) and at once when a 'webhook.disabled' event arrives (app.svelte.ts routes it here).
 */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { CreatedWebhook, Webhook, WebhookDelivery, WebhookInput } from '../api/webhook-types.js';

export const WEBHOOK_POLL_MS = 2000;
const DELIVERY_PAGE = 20;

export class WebhooksState {
  list = $state.raw<Webhook[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The secret just issued (create or rotate), shown once. */
  secret = $state.raw<{ webhook: CreatedWebhook; rotated: boolean } | null>(null);
  /** The endpoint whose delivery log is shown. */
  selectedId = $state<string | null>(null);
  deliveries = $state.raw<WebhookDelivery[]>([]);
  deliveriesCursor = $state<string | null>(null);
  deliveriesError = $state<string | null>(null);
  /** Older pages the user asked for stay loaded across polls. */
  private extraPages = 0;
  private watchers = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly api: ApiClient) {}

  get selected(): Webhook | undefined {
    return this.list.find((w) => w.id === this.selectedId);
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.list = await this.api.listWebhooks();
      this.error = null;
      this.loaded = true;
      if (this.selectedId && !this.selected) this.select(null);
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  async create(input: WebhookInput): Promise<CreatedWebhook> {
    const created = await this.api.createWebhook(input);
    this.secret = { webhook: created, rotated: false };
    this.upsert(stripSecret(created));
    this.select(created.id);
    return created;
  }

  async update(id: string, patch: Partial<WebhookInput>): Promise<void> {
    this.upsert(await this.api.updateWebhook(id, patch));
  }

  async rotate(id: string): Promise<void> {
    const rotated = await this.api.rotateWebhookSecret(id);
    this.secret = { webhook: rotated, rotated: true };
    this.upsert(stripSecret(rotated));
  }

  async remove(id: string): Promise<void> {
    await this.api.deleteWebhook(id);
    this.list = this.list.filter((w) => w.id !== id);
    if (this.secret?.webhook.id === id) this.secret = null;
    if (this.selectedId === id) this.select(null);
  }

  async sendTest(id: string): Promise<void> {
    await this.api.testWebhook(id);
    if (this.selectedId !== id) this.select(id);
    else await this.refreshDeliveries();
  }

  async retry(id: string, deliveryId: string): Promise<void> {
    const updated = await this.api.retryWebhookDelivery(id, deliveryId);
    this.deliveries = this.deliveries.map((d) => (d.id === updated.id ? updated : d));
  }

  dismissSecret(): void {
    this.secret = null;
  }

  select(id: string | null): void {
    this.selectedId = id;
    this.deliveries = [];
    this.deliveriesCursor = null;
    this.deliveriesError = null;
    this.extraPages = 0;
    if (id) void this.refreshDeliveries();
  }

  /** Re-reads the newest page (plus the older pages already shown). */
  async refreshDeliveries(): Promise<void> {
    const id = this.selectedId;
    if (!id) return;
    try {
      let page = await this.api.listWebhookDeliveries(id, { limit: DELIVERY_PAGE });
      let rows = page.data;
      for (let i = 0; i < this.extraPages && page.nextCursor; i++) {
        page = await this.api.listWebhookDeliveries(id, { limit: DELIVERY_PAGE, cursor: page.nextCursor });
        rows = [...rows, ...page.data];
      }
      if (this.selectedId !== id) return;
      this.deliveries = rows;
      this.deliveriesCursor = page.nextCursor;
      this.deliveriesError = null;
    } catch (error) {
      if (this.selectedId === id) this.deliveriesError = describeError(error);
    }
  }

  async moreDeliveries(): Promise<void> {
    const id = this.selectedId;
    if (!id || !this.deliveriesCursor) return;
    try {
      const page = await this.api.listWebhookDeliveries(id, { limit: DELIVERY_PAGE, cursor: this.deliveriesCursor });
      if (this.selectedId !== id) return;
      this.deliveries = [...this.deliveries, ...page.data];
      this.deliveriesCursor = page.nextCursor;
      this.extraPages++;
    } catch (error) {
      this.deliveriesError = describeError(error);
    }
  }

  /** A 'webhook.disabled' event: health and the log changed on the gateway. */
  onChanged(): void {
    if (this.loaded) void this.refresh();
  }

  /** Keeps the list and the shown log fresh while a view watches; returns the stop function. */
  watch(): () => void {
    this.watchers++;
    if (!this.timer) this.timer = setInterval(() => void this.refresh(), WEBHOOK_POLL_MS);
    void this.load();
    return () => {
      this.watchers--;
      if (this.watchers === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  private async refresh(): Promise<void> {
    await Promise.all([this.load(), this.refreshDeliveries()]);
  }

  private upsert(webhook: Webhook): void {
    const i = this.list.findIndex((w) => w.id === webhook.id);
    this.list = i < 0 ? [...this.list, webhook] : this.list.map((w) => (w.id === webhook.id ? webhook : w));
  }
}

function stripSecret(created: CreatedWebhook): Webhook {
  const { secret: _secret, ...webhook } = created;
  return webhook;
}
