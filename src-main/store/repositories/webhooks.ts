/**
 * Webhook endpoints and the durable outbox of their deliveries (migration 004). All webhook SQL is here,
 * prepared once per connection.
 *
 * The outbox is written by the event log itself: events.ts `append` calls `outboxFor(db).fanOut(...)` in the
 * transaction that inserts the event, so an event and its deliveries commit together or not at all. Matching
 * (enabled endpoint of the event's organization, event filter, session filter) is done in SQL: no cache to
 * keep in step with other writers, and an organization without endpoints costs one indexed lookup per event.
 */
import type { Db } from '../database.js';
import { monotonicFactory } from 'ulid';
import type { DeliveryStatus } from '../../core/webhooks.js';

export interface WebhookEndpointRow {
  id: string;
  organization_id: string;
  url: string;
  secret: string;
  events: string;
  sessions: string | null;
  enabled: number;
  description: string | null;
  created_at: number;
  updated_at: number;
  last_success_at: number | null;
  last_failure_at: number | null;
  consecutive_failures: number;
  failing_since: number | null;
  disabled_reason: string | null;
  disabled_at: number | null;
}

export type { DeliveryStatus };

export interface WebhookDeliveryRow {
  seq: number;
  id: string;
  endpoint_id: string;
  event_id: string;
  event: string;
  session_id: string | null;
  body: string;
  status: DeliveryStatus;
  attempt: number;
  generation: number;
  next_attempt_at: number | null;
  first_attempt_at: number | null;
  last_attempt_at: number | null;
  http_status: number | null;
  duration_ms: number | null;
  response_snippet: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** One event as the log stores it: enough to build the frame a webhook receives. */
export interface FrameSource {
  id: string;
  event: string;
  session_id: string | null;
  organization_id: string;
  timestamp: number;
  /** The payload, already JSON. */
  payload: string;
}

/** The realtime frame JSON (API.md "WS /realtime"): the WebSocket frame and the webhook body are the same text. */
export function frameOf(row: FrameSource): string {
  return `{"schema":"v1","id":${JSON.stringify(row.id)},"event":${JSON.stringify(row.event)},"session":${JSON.stringify(row.session_id)},"organization":${JSON.stringify(row.organization_id)},"timestamp":${row.timestamp},"payload":${row.payload}}`;
}

type EnqueueListener = (endpointIds: readonly string[]) => void;

/**
 * The fan-out half of the outbox, shared by the events repository (which writes) and the webhooks repository
 * (whose listeners, the delivery worker, wake up on new rows). One per connection.
 */
export interface Outbox {
  /**
   * Inserts one delivery per matching endpoint (`endpointIds` when the caller has just matched them); call
   * inside the event's transaction. Returns the endpoint ids.
   */
  fanOut(e: FrameSource, now: number, endpointIds?: readonly string[]): readonly string[];
  /** True when some enabled endpoint of this organization may want the event (cheap pre-check, no write). */
  matching(organizationId: string, event: string, sessionId: string | null): string[];
  onEnqueued(listener: EnqueueListener): () => void;
  notify(endpointIds: readonly string[]): void;
}

const outboxes = new WeakMap<Db, Outbox>();

export function outboxFor(db: Db): Outbox {
  let o = outboxes.get(db);
  if (!o) {
    o = createOutbox(db);
    outboxes.set(db, o);
  }
  return o;
}

function createOutbox(db: Db): Outbox {
  const nextId = monotonicFactory();
  // An event without a session (webhook.*) passes every session filter: the filter narrows session events.
  const matching = db
    .prepare(
      `SELECT id FROM webhook_endpoints e
        WHERE e.organization_id = @org AND e.enabled = 1
          AND (e.events = '["*"]' OR EXISTS (SELECT 1 FROM json_each(e.events) WHERE value = @event))
          AND (e.sessions IS NULL OR @session IS NULL OR @session = '' OR EXISTS (SELECT 1 FROM json_each(e.sessions) WHERE value = @session))`,
    )
    .pluck();
  const insert = db.prepare(
    `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event, session_id, body, status, attempt, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
     ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
  );
  const listeners = new Set<EnqueueListener>();
  const outbox: Outbox = {
    matching(organizationId, event, sessionId) {
      return matching.all({ org: organizationId, event, session: sessionId }) as string[];
    },
    fanOut(e, now, endpointIds) {
      const ids = endpointIds ?? outbox.matching(e.organization_id, e.event, e.session_id);
      if (ids.length === 0) return ids;
      const body = frameOf(e);
      for (const endpointId of ids) insert.run(`whd_${nextId()}`, endpointId, e.id, e.event, e.session_id, body, now, now, now);
      outbox.notify(ids);
      return ids;
    },
    onEnqueued(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify(endpointIds) {
      // Listeners run inside the writer's transaction: they must only schedule work (the worker defers it).
      for (const l of listeners) l(endpointIds);
    },
  };
  return outbox;
}

export interface NewEndpoint {
  id: string;
  organizationId: string;
  url: string;
  secret: string;
  events: readonly string[];
  sessions: readonly string[] | null;
  enabled: boolean;
  description: string | null;
  now: number;
}

export interface EndpointPatch {
  url?: string;
  events?: readonly string[];
  sessions?: readonly string[] | null;
  enabled?: boolean;
  description?: string | null;
}

export interface AttemptResult {
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  responseSnippet: string | null;
  error: string | null;
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;

export function createWebhooksRepository(db: Db) {
  const outbox = outboxFor(db);
  const nextId = monotonicFactory();
  const insertEndpoint = db.prepare(
    `INSERT INTO webhook_endpoints (id, organization_id, url, secret, events, sessions, enabled, description, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const getEndpoint = db.prepare('SELECT * FROM webhook_endpoints WHERE id = ?');
  const getInOrg = db.prepare('SELECT * FROM webhook_endpoints WHERE id = ? AND organization_id = ?');
  const listByOrg = db.prepare('SELECT * FROM webhook_endpoints WHERE organization_id = ? ORDER BY created_at, id');
  const listEnabled = db.prepare('SELECT * FROM webhook_endpoints WHERE enabled = 1');
  const updateEndpoint = db.prepare(
    `UPDATE webhook_endpoints SET url = @url, events = @events, sessions = @sessions, enabled = @enabled,
       description = @description, updated_at = @now,
       -- Switching an endpoint on again starts a fresh health record.
       consecutive_failures = CASE WHEN @enabled = 1 AND enabled = 0 THEN 0 ELSE consecutive_failures END,
       failing_since = CASE WHEN @enabled = 1 AND enabled = 0 THEN NULL ELSE failing_since END,
       disabled_reason = CASE WHEN @enabled = 1 THEN NULL ELSE disabled_reason END,
       disabled_at = CASE WHEN @enabled = 1 THEN NULL ELSE disabled_at END
     WHERE id = @id AND organization_id = @org`,
  );
  const setSecret = db.prepare('UPDATE webhook_endpoints SET secret = ?, updated_at = ? WHERE id = ? AND organization_id = ?');
  const deleteEndpoint = db.prepare('DELETE FROM webhook_endpoints WHERE id = ? AND organization_id = ?');
  const deleteDeliveriesOf = db.prepare('DELETE FROM webhook_deliveries WHERE endpoint_id = ?');
  const recordSuccess = db.prepare(
    `UPDATE webhook_endpoints SET last_success_at = ?, consecutive_failures = 0, failing_since = NULL WHERE id = ?`,
  );
  const recordFailure = db.prepare(
    `UPDATE webhook_endpoints SET last_failure_at = @now, consecutive_failures = consecutive_failures + 1,
       failing_since = coalesce(failing_since, @now) WHERE id = @id`,
  );
  const disable = db.prepare(
    'UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE id = ? AND enabled = 1',
  );
  const killPending = db.prepare(
    `UPDATE webhook_deliveries SET status = 'dead', next_attempt_at = NULL, error = coalesce(error, ?), updated_at = ?
     WHERE endpoint_id = ? AND status IN ('pending', 'failed')`,
  );

  // INDEXED BY: without statistics the planner prefers webhook_deliveries_log and walks every delivered row
  // of the endpoint before the first pending one (measured: the worker's head lookup grew with the log).
  const head = db.prepare(
    `SELECT * FROM webhook_deliveries INDEXED BY webhook_deliveries_outbox
     WHERE endpoint_id = ? AND status IN ('pending', 'failed') ORDER BY seq LIMIT 1`,
  );
  const backlog = db.prepare(`SELECT count(*) FROM webhook_deliveries WHERE status IN ('pending', 'failed')`).pluck();
  const getDelivery = db.prepare('SELECT * FROM webhook_deliveries WHERE id = ?');
  const deliveryOf = db.prepare('SELECT * FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?');
  const succeed = db.prepare(
    `UPDATE webhook_deliveries SET attempt = attempt + 1,
       status = CASE WHEN generation = @generation THEN 'succeeded' ELSE status END,
       next_attempt_at = CASE WHEN generation = @generation THEN NULL ELSE next_attempt_at END,
       first_attempt_at = coalesce(first_attempt_at, @at), last_attempt_at = @at, http_status = @httpStatus,
       duration_ms = @durationMs, response_snippet = @responseSnippet, error = NULL, updated_at = @now
     WHERE id = @id`,
  );
  const fail = db.prepare(
    `UPDATE webhook_deliveries SET attempt = attempt + 1,
       status = CASE WHEN generation = @generation THEN @status ELSE status END,
       next_attempt_at = CASE WHEN generation = @generation THEN @next ELSE next_attempt_at END,
       first_attempt_at = coalesce(first_attempt_at, @at), last_attempt_at = @at, http_status = @httpStatus,
       duration_ms = @durationMs, response_snippet = @responseSnippet, error = @error, updated_at = @now
     WHERE id = @id`,
  );
  const requeue = db.prepare(
    `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, generation = generation + 1, updated_at = ?
     WHERE id = ? AND endpoint_id = ?`,
  );
  const insertDelivery = db.prepare(
    `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event, session_id, body, status, attempt, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
  );
  const maxSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM webhook_deliveries').pluck();
  // Finished rows only: a pending or failed delivery is never pruned, however old.
  const pruneFinished = db.prepare(`DELETE FROM webhook_deliveries WHERE seq <= ? AND status IN ('succeeded', 'dead')`);
  const page = db.prepare('SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?');

  return {
    outbox,
    insertEndpoint(e: NewEndpoint): WebhookEndpointRow {
      insertEndpoint.run(
        e.id,
        e.organizationId,
        e.url,
        e.secret,
        JSON.stringify(e.events),
        e.sessions === null ? null : JSON.stringify(e.sessions),
        e.enabled ? 1 : 0,
        e.description,
        e.now,
        e.now,
      );
      return getEndpoint.get(e.id) as WebhookEndpointRow;
    },
    getEndpoint(id: string): WebhookEndpointRow | undefined {
      return getEndpoint.get(id) as WebhookEndpointRow | undefined;
    },
    getEndpointInOrg(organizationId: string, id: string): WebhookEndpointRow | undefined {
      return getInOrg.get(id, organizationId) as WebhookEndpointRow | undefined;
    },
    listEndpoints(organizationId: string): WebhookEndpointRow[] {
      return listByOrg.all(organizationId) as WebhookEndpointRow[];
    },
    listEnabledEndpoints(): WebhookEndpointRow[] {
      return listEnabled.all() as WebhookEndpointRow[];
    },
    updateEndpoint(organizationId: string, id: string, patch: EndpointPatch, now: number): WebhookEndpointRow | undefined {
      const cur = getInOrg.get(id, organizationId) as WebhookEndpointRow | undefined;
      if (!cur) return undefined;
      updateEndpoint.run({
        id,
        org: organizationId,
        url: patch.url ?? cur.url,
        events: patch.events ? JSON.stringify(patch.events) : cur.events,
        sessions: patch.sessions === undefined ? cur.sessions : patch.sessions === null ? null : JSON.stringify(patch.sessions),
        enabled: patch.enabled === undefined ? cur.enabled : patch.enabled ? 1 : 0,
        description: patch.description === undefined ? cur.description : patch.description,
        now,
      });
      return getEndpoint.get(id) as WebhookEndpointRow;
    },
    setSecret(organizationId: string, id: string, secret: string, now: number): boolean {
      return setSecret.run(secret, now, id, organizationId).changes === 1;
    },
    deleteEndpoint(organizationId: string, id: string): boolean {
      return db.transaction(() => {
        if (!getInOrg.get(id, organizationId)) return false;
        deleteDeliveriesOf.run(id);
        return deleteEndpoint.run(id, organizationId).changes === 1;
      })();
    },
    /** The oldest undelivered delivery of an endpoint (its FIFO head), due or not. */
    head(endpointId: string): WebhookDeliveryRow | undefined {
      return head.get(endpointId) as WebhookDeliveryRow | undefined;
    },
    /** Deliveries not yet succeeded or dead, over all endpoints (the outbox size). */
    backlog(): number {
      return backlog.get() as number;
    },
    getDelivery(id: string): WebhookDeliveryRow | undefined {
      return getDelivery.get(id) as WebhookDeliveryRow | undefined;
    },
    getDeliveryOf(endpointId: string, id: string): WebhookDeliveryRow | undefined {
      return deliveryOf.get(id, endpointId) as WebhookDeliveryRow | undefined;
    },
    /** `generation`: the delivery's generation when the attempt started (see the column in 004_webhooks.sql). */
    /**
     * `touchEndpoint`: also write the endpoint's health (the caller skips it while the endpoint is healthy and
     * its last_success_at is recent: one write per delivery instead of two at high rates).
     */
    recordSuccess(deliveryId: string, generation: number, endpointId: string, r: AttemptResult, at: number, now: number, touchEndpoint = true): void {
      const row = { id: deliveryId, generation, at, now, httpStatus: r.httpStatus, durationMs: r.durationMs, responseSnippet: r.responseSnippet };
      if (!touchEndpoint) {
        succeed.run(row);
        return;
      }
      db.transaction(() => {
        succeed.run(row);
        recordSuccess.run(now, endpointId);
      })();
    },
    /** A failed attempt: `next` = when to try again, or null for dead. Returns the endpoint's health after it. */
    recordFailure(
      deliveryId: string,
      generation: number,
      endpointId: string,
      r: AttemptResult,
      next: number | null,
      at: number,
      now: number,
    ): WebhookEndpointRow | undefined {
      return db.transaction(() => {
        fail.run({
          id: deliveryId,
          generation,
          status: next === null ? 'dead' : 'failed',
          next,
          at,
          now,
          httpStatus: r.httpStatus,
          durationMs: r.durationMs,
          responseSnippet: r.responseSnippet,
          error: r.error,
        });
        recordFailure.run({ now, id: endpointId });
        return getEndpoint.get(endpointId) as WebhookEndpointRow | undefined;
      })();
    },
    /** Switches an endpoint off and gives up its undelivered rows; false when it was already off. */
    disableEndpoint(endpointId: string, reason: string, now: number): boolean {
      return db.transaction(() => {
        if (disable.run(reason, now, now, endpointId).changes !== 1) return false;
        killPending.run(`endpoint disabled: ${reason}`, now, endpointId);
        return true;
      })();
    },
    /** Makes a delivery due now again (retry); it keeps its event id, so the receiver sees the same webhook-id. */
    requeue(endpointId: string, deliveryId: string, now: number): boolean {
      const ok = requeue.run(now, now, deliveryId, endpointId).changes === 1;
      if (ok) outbox.notify([endpointId]);
      return ok;
    },
    /** A delivery to one endpoint only (webhook.test): not in the event log, not fanned out. */
    enqueueDirect(endpointId: string, e: FrameSource, now: number): WebhookDeliveryRow {
      const id = `whd_${nextId()}`;
      insertDelivery.run(id, endpointId, e.id, e.event, e.session_id, frameOf(e), now, now, now);
      outbox.notify([endpointId]);
      return getDelivery.get(id) as WebhookDeliveryRow;
    },
    /** Keeps the delivery log bounded: drops finished deliveries older than the newest `keep` rows. */
    pruneFinished(keep: number): number {
      return pruneFinished.run((maxSeq.get() as number) - keep).changes;
    },
    /** The delivery log of an endpoint, newest first; `beforeSeq` is the keyset position (exclusive). */
    deliveriesPage(endpointId: string, beforeSeq: number | null, limit: number): WebhookDeliveryRow[] {
      return page.all(endpointId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as WebhookDeliveryRow[];
    },
  };
}
