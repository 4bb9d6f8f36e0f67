/**
 * Webhook endpoints as a plain service: what the API's `/webhooks` routes (API.md "Integrations") call once
 * the app layer puts a principal with the `manage` capability in front of it. Every method takes the
 * caller's organizationId; an endpoint of another organization is not found.
 *
 * The secret is returned by create and rotateSecret only, never by a read, and never logged.
 */
import { monotonicFactory } from 'ulid';
import type { CursorCodec } from '../core/cursor.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { EVENT_NAMES, type RealtimeEventName } from '../core/events.js';
import type { Store } from '../store/index.js';
import type { Webhook, WebhookDelivery, WebhookEventFilter } from '../core/webhooks.js';
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../store/repositories/webhooks.js';
import { generateSecret } from './signing.js';

export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_FILTER_ENTRIES = 100;
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

/** Kept as names of their own: the service speaks of endpoints and deliveries, the API of Webhook objects. */
export type WebhookEndpointView = Webhook;
export type WebhookDeliveryView = WebhookDelivery;

/** The validated body of POST /webhooks (all fields) or PATCH /webhooks/{id} (only those present). */
export interface EndpointInput {
  url?: string;
  events?: string[];
  sessions?: string[] | null;
  description?: string | null;
  enabled?: boolean;
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set<string>(EVENT_NAMES);
const FIELDS = new Set(['url', 'events', 'sessions', 'description', 'enabled']);

/** Throws ValidationError (400) for a bad url, an unknown event name or a malformed filter. Pure. */
export function validateEndpointInput(body: unknown, mode: 'create' | 'update'): EndpointInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!FIELDS.has(k)) throw new ValidationError(`unknown field ${k}`, { field: k });
  const out: EndpointInput = {};
  if (b.url !== undefined || mode === 'create') out.url = validateUrl(b.url);
  if (b.events !== undefined) {
    if (!Array.isArray(b.events) || b.events.length === 0 || b.events.length > MAX_FILTER_ENTRIES) {
      throw new ValidationError('events must be ["*"] or a non-empty array of event names', { field: 'events' });
    }
    for (const e of b.events) {
      if (typeof e !== 'string' || (e !== '*' && !KNOWN_EVENTS.has(e))) {
        throw new ValidationError(`unknown event name ${JSON.stringify(e)}`, { field: 'events', allowed: ['*', ...EVENT_NAMES] });
      }
    }
    const events = [...new Set(b.events as string[])];
    if (events.includes('*') && events.length > 1) throw new ValidationError('"*" cannot be combined with event names', { field: 'events' });
    out.events = events;
  }
  if (b.sessions !== undefined) {
    if (b.sessions === null) out.sessions = null;
    else {
      if (!Array.isArray(b.sessions) || b.sessions.length === 0 || b.sessions.length > MAX_FILTER_ENTRIES) {
        throw new ValidationError('sessions must be null or a non-empty array of session ids', { field: 'sessions' });
      }
      for (const s of b.sessions) {
        if (typeof s !== 'string' || s.length === 0 || s.length > 200) throw new ValidationError('session ids must be non-empty strings', { field: 'sessions' });
      }
      out.sessions = [...new Set(b.sessions as string[])];
    }
  }
  if (b.description !== undefined) {
    if (b.description !== null && (typeof b.description !== 'string' || b.description.length > MAX_DESCRIPTION_LENGTH)) {
      throw new ValidationError(`description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters`, { field: 'description' });
    }
    out.description = b.description as string | null;
  }
  if (b.enabled !== undefined) {
    if (typeof b.enabled !== 'boolean') throw new ValidationError('enabled must be a boolean', { field: 'enabled' });
    out.enabled = b.enabled;
  }
  return out;
}

function validateUrl(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) throw new ValidationError('url is required', { field: 'url' });
  if (v.length > MAX_URL_LENGTH) throw new ValidationError(`url is longer than ${MAX_URL_LENGTH} characters`, { field: 'url' });
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ValidationError('url is not a valid absolute URL', { field: 'url' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ValidationError('url must be http:// or https://', { field: 'url' });
  if (!u.hostname) throw new ValidationError('url has no host', { field: 'url' });
  if (u.hash) throw new ValidationError('url must not have a #fragment', { field: 'url' });
  return u.href;
}

function toView(r: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as WebhookEventFilter[],
    sessions: r.sessions === null ? null : (JSON.parse(r.sessions) as string[]),
    enabled: r.enabled === 1,
    description: r.description,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    health: {
      lastSuccessAt: r.last_success_at,
      lastFailureAt: r.last_failure_at,
      consecutiveFailures: r.consecutive_failures,
      failingSince: r.failing_since,
      disabledReason: r.disabled_reason,
      disabledAt: r.disabled_at,
    },
  };
}

export function toDeliveryView(r: WebhookDeliveryRow): WebhookDeliveryView {
  return {
    id: r.id,
    eventId: r.event_id,
    event: r.event,
    attempt: r.attempt,
    status: r.status,
    httpStatus: r.http_status,
    durationMs: r.duration_ms,
    responseSnippet: r.response_snippet,
    error: r.error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
  };
}

export interface WebhookServiceDeps {
  store: Store;
  cursors: CursorCodec;
  /** The delivery worker, told when an endpoint is switched on again (new deliveries wake it by themselves). */
  worker?: { wake(endpointId: string): void };
  now?: () => number;
}

export type WebhookService = ReturnType<typeof createWebhookService>;

export function createWebhookService(deps: WebhookServiceDeps) {
  const { store, cursors } = deps;
  const now = deps.now ?? Date.now;
  const nextUlid = monotonicFactory();

  const owned = (organizationId: string, id: string): WebhookEndpointRow => {
    const row = store.webhooks.getEndpointInOrg(organizationId, id);
    if (!row) throw new NotFoundError('webhook endpoint not found', { webhookId: id });
    return row;
  };
  const checkSessions = (organizationId: string, sessions: string[] | null | undefined) => {
    for (const s of sessions ?? []) {
      if (!store.sessions.getInOrg(s, organizationId)) throw new ValidationError(`unknown session ${s}`, { field: 'sessions', sessionId: s });
    }
  };
  const listing = (endpointId: string) => `webhook-deliveries:${endpointId}`;

  return {
    create(organizationId: string, body: unknown): { endpoint: WebhookEndpointView; secret: string } {
      const input = validateEndpointInput(body, 'create');
      checkSessions(organizationId, input.sessions);
      const secret = generateSecret();
      const row = store.webhooks.insertEndpoint({
        id: `wh_${nextUlid()}`,
        organizationId,
        url: input.url!,
        secret,
        events: input.events ?? ['*'],
        sessions: input.sessions ?? null,
        enabled: input.enabled ?? true,
        description: input.description ?? null,
        now: now(),
      });
      return { endpoint: toView(row), secret };
    },
    list(organizationId: string): WebhookEndpointView[] {
      return store.webhooks.listEndpoints(organizationId).map(toView);
    },
    get(organizationId: string, id: string): WebhookEndpointView {
      return toView(owned(organizationId, id));
    },
    update(organizationId: string, id: string, body: unknown): WebhookEndpointView {
      const input = validateEndpointInput(body, 'update');
      const before = owned(organizationId, id);
      checkSessions(organizationId, input.sessions);
      const row = store.webhooks.updateEndpoint(organizationId, id, input, now())!;
      if (row.enabled === 1 && before.enabled === 0) deps.worker?.wake(id);
      return toView(row);
    },
    delete(organizationId: string, id: string): void {
      if (!store.webhooks.deleteEndpoint(organizationId, id)) throw new NotFoundError('webhook endpoint not found', { webhookId: id });
    },
    /** A new secret; the old one stops signing at once. Returned only here. */
    rotateSecret(organizationId: string, id: string): { endpoint: WebhookEndpointView; secret: string } {
      owned(organizationId, id);
      const secret = generateSecret();
      store.webhooks.setSecret(organizationId, id, secret, now());
      return { endpoint: toView(owned(organizationId, id)), secret };
    },
    /** POST /webhooks/{id}:test: a 'webhook.test' event for this endpoint only (not in the event log). */
    test(organizationId: string, id: string): WebhookDeliveryView {
      const ep = owned(organizationId, id);
      if (ep.enabled !== 1) throw new ConflictError('webhook endpoint is disabled; enable it first', { webhookId: id });
      const t = now();
      const payload: { endpointId: string; message: string } = { endpointId: id, message: 'test event from the gateway' };
      const event: RealtimeEventName = 'webhook.test';
      const row = store.webhooks.enqueueDirect(
        id,
        { id: `evt_${nextUlid()}`, event, session_id: null, organization_id: organizationId, timestamp: t, payload: JSON.stringify(payload) },
        t,
      );
      return toDeliveryView(row);
    },
    /** The delivery log of an endpoint, newest first, cursor paged. */
    deliveries(organizationId: string, id: string, options: { limit?: number; cursor?: string | null } = {}) {
      owned(organizationId, id);
      const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.limit ?? DEFAULT_PAGE)));
      let before: number | null = null;
      if (options.cursor) {
        const [seq] = cursors.decode(listing(id), options.cursor);
        if (typeof seq !== 'number') throw new ValidationError('cursor is invalid', { field: 'cursor' });
        before = seq;
      }
      const rows = store.webhooks.deliveriesPage(id, before, limit + 1);
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      return {
        data: page.map(toDeliveryView),
        nextCursor: more ? cursors.encode(listing(id), [page[page.length - 1]!.seq]) : null,
      };
    },
    /** Sends that delivery's event again now, with the same webhook-id. */
    retry(organizationId: string, id: string, deliveryId: string): WebhookDeliveryView {
      const ep = owned(organizationId, id);
      if (!store.webhooks.getDeliveryOf(id, deliveryId)) throw new NotFoundError('delivery not found', { deliveryId });
      if (ep.enabled !== 1) throw new ConflictError('webhook endpoint is disabled; enable it first', { webhookId: id });
      store.webhooks.requeue(id, deliveryId, now());
      return toDeliveryView(store.webhooks.getDeliveryOf(id, deliveryId)!);
    },
  };
}
