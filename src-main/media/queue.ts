/**
 * The background media download queue (issue 9, points 1-3).
 *
 * Durable: a download is a row in media_jobs (migration 005), written before any byte is fetched, so a
 * restart (or a crash) resumes every queued download; a crash mid-file leaves only a `.partial-*` file that
 * `start()` sweeps away (file-store.ts). Bounded: at most `concurrency` downloads run at once, urgent ones (a
 * person or script is waiting) first; while a history sync is storing chunks, history media wait and live ones
 * go one at a time (ingestion comes first, see HISTORY_BUSY_MS). Retries: a retryable failure is tried again
 * after an exponential, jittered backoff up to `maxAttempts`; 404/410 goes through one re-upload request when the session is live
 * (downloader.ts). Outcomes are published as 'media.downloaded' / 'media.failed' (core/events.ts).
 *
 * Who calls what:
 * - ingestion, after a batch is committed: `onMessagesStored(sessionId, items)` (policy decides; cheap, one
 *   INSERT per media message, nothing at all for history media under the default lazy policy);
 * - the media route: `resolve(...)` for GET .../media (waits a bounded time when live), `thumbnail(...)`,
 *   `request(...)` for POST .../media:download;
 * - the chat/session deletion services, after deleting: `collectGarbage()` (files no message references);
 * - the storage route: `storage(sessionId)`; the policy routes: `policy` / `setPolicy`.
 *
 * Size (~550 lines): one queue whose scheduling state (running set, timers, waiters of `resolve`) must be seen
 * by every entry point above; the pure parts live in downloader.ts, file-store.ts and policy.ts.
 */
import { createHash } from 'node:crypto';
import type { WAMessage } from '@whiskeysockets/baileys';
import type { EventPublisher } from '../core/events.js';
import type { Store } from '../store/index.js';
import type { DueMediaJob, MediaJobState, MediaMessageRow, NewMediaJob } from '../store/repositories/media.js';
import {
  MEDIA_KINDS,
  describeMedia,
  downloadMedia,
  jpegThumbnailOf,
  reviveRaw,
  withNewMediaLocation,
  type DownloadOptions,
  type DownloadOutcome,
  type MediaKind,
} from './downloader.js';
import type { FileStore } from './file-store.js';
import {
  STORAGE_WARN_RATIO,
  decideAuto,
  mergePolicy,
  parsePolicy,
  type MediaPolicy,
  type MediaPolicyPatch,
} from './policy.js';
import type { StoredMediaFile } from './serve-headers.js';

/** What the live socket of a session offers the queue: the phone's re-upload (Baileys' updateMediaMessage). */
export interface MediaLivePort {
  reupload(msg: WAMessage): Promise<WAMessage>;
}

/** The port of a real Baileys socket: its updateMediaMessage asks the phone to upload the media again. */
export function mediaLivePortOf(sock: { updateMediaMessage(msg: WAMessage): Promise<WAMessage> }): MediaLivePort {
  return { reupload: (msg) => sock.updateMediaMessage(msg) };
}

export interface MediaClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface MediaQueueOptions {
  store: Store;
  files: FileStore;
  /** Realtime events; the organization is looked up from the session. */
  events?: EventPublisher | undefined;
  /** The session's live socket port, or undefined when the session has no live client. */
  live?: ((sessionId: string) => MediaLivePort | undefined) | undefined;
  clock?: MediaClock | undefined;
  /** Downloads at once (default 2: the gateway shares a small machine with history sync). */
  concurrency?: number | undefined;
  maxAttempts?: number | undefined;
  /** How long stop() waits for aborted downloads (default 5 s). */
  stopWaitMs?: number | undefined;
  /** First retry delay (default 30 s), doubled per attempt up to `maxBackoffMs` (default 1 h), jittered 50-100 %. */
  baseBackoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  random?: (() => number) | undefined;
  /** Passed to every download (stall timeout etc.). */
  downloadOptions?: Pick<DownloadOptions, 'stallTimeoutMs'> | undefined;
  /** Replaces the downloader (tests of scheduling only). */
  download?: typeof downloadMedia | undefined;
  onError?: ((e: unknown) => void) | undefined;
}

/** One stored media message, as ingestion knows it after its commit. */
export interface IngestedMedia {
  chatJid: string;
  waMessageId: string;
  kind: MediaKind;
  /** fileLength of the message, when known. */
  size: number | null;
  /** From a history sync (old message) rather than received live. */
  history: boolean;
  /** The stored message's pk, when ingestion has it (queued without looking the message up). */
  messagePk?: number | undefined;
}

export type MediaState = 'none' | MediaJobState;

/** How GET .../media should answer. */
export type MediaResolution =
  | { status: 'ready'; file: StoredMediaFile }
  /** Unknown message, or a message without media: 404. */
  | { status: 'no_media' }
  /** WhatsApp no longer has it and the re-upload failed: 410 media_expired. */
  | { status: 'expired'; error: string }
  /** Not downloaded and no live client to fetch it now: 501. */
  | { status: 'not_live' }
  /** Still downloading after the bounded wait (or queued for a retry): the route may answer 503/202. */
  | { status: 'pending' }
  /** Gave up (hash mismatch, too large, no url...): nothing to serve. */
  | { status: 'failed'; error: string };

export interface StorageReport {
  messages: number;
  mediaFiles: number;
  mediaBytes: number;
  databaseBytes: number;
  pending: number;
  failed: number;
  /** The session's cap (null = none) and a sentence for the UI once usage reaches 90 % of it. */
  storageCapBytes: number | null;
  warning: string | null;
}

export interface MediaQueue {
  /** Sweeps partial files, reconciles records and files both ways, collects garbage, then starts downloading. */
  start(): Promise<void>;
  /** Stops scheduling and aborts running downloads (their jobs stay queued for the next start). */
  stop(): Promise<void>;
  onMessagesStored(sessionId: string, items: readonly IngestedMedia[]): number;
  /** POST .../media:download: (re)queue now, urgent. 'no_media' when the message has none; 'done' when already stored. */
  request(sessionId: string, chatJid: string, waMessageId: string): 'queued' | 'done' | 'no_media';
  /** GET .../media: the file when stored, else (live) fetches it now and waits up to waitMs. */
  resolve(sessionId: string, chatJid: string, waMessageId: string, opts?: { waitMs?: number }): Promise<MediaResolution>;
  /** The embedded JPEG preview (works offline), or null. */
  thumbnail(sessionId: string, chatJid: string, waMessageId: string): { bytes: Buffer; sha256: string } | null;
  /** The media state of a message (for Message.media.state). */
  state(sessionId: string, chatJid: string, waMessageId: string): MediaState;
  /** Deletes files no message references any more; returns how many. */
  collectGarbage(): number;
  storage(sessionId: string): StorageReport;
  policy(sessionId: string): MediaPolicy;
  setPolicy(sessionId: string, patch: MediaPolicyPatch): MediaPolicy;
  /** Downloads running now (tests, diagnostics). */
  running(): number;
}

const realClock: MediaClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

const DEFAULT_WAIT_MS = 15_000;
const STOP_WAIT_MS = 5_000;
/**
 * Job priorities (media_jobs.priority; due() takes the highest first). Urgent: a person or script asked for
 * the file. Live: media received now. History: media of old messages from a history sync (policy 'auto').
 */
export const MEDIA_PRIORITY = { urgent: 1, live: 0, history: -1 } as const;
/**
 * After a batch with history messages, for this long the sync counts as running. Meanwhile history media wait
 * and live media download one at a time; urgent downloads still use every slot. A download is ~1.5-3 ms of the
 * event loop plus two fsyncs (test/bench/media.ts): at full concurrency next to a history sync that slowed the
 * sync by 15-30 %; one at a time, paced, still by 5-26 % depending on how busy the disk was (an fsync stalls the
 * sync's own writes to the database). History media are old: the archive's text comes first, their thumbnails
 * show at once, and opening one makes it urgent.
 */
const HISTORY_BUSY_MS = 2_000;
const isKind = (k: string): k is MediaKind => (MEDIA_KINDS as readonly string[]).includes(k);

export function createMediaQueue(opts: MediaQueueOptions): MediaQueue {
  const { store, files } = opts;
  const repo = store.media;
  const clock = opts.clock ?? realClock;
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const baseBackoff = opts.baseBackoffMs ?? 30_000;
  const maxBackoff = opts.maxBackoffMs ?? 3_600_000;
  const random = opts.random ?? Math.random;
  const download = opts.download ?? downloadMedia;
  const onError = opts.onError ?? (() => undefined);
  const inflight = new Map<number, AbortController>();
  const running = new Set<Promise<void>>();
  const waiters = new Map<number, Set<() => void>>();
  let timer: unknown = null;
  let timerAt = Infinity;
  let started = false;
  let stopped = false;
  let historyBusyUntil = 0;
  let busyTimer: unknown = null;

  const orgOf = (sessionId: string) => store.sessions.get(sessionId)?.organization_id;

  function wake(pk: number): void {
    const w = waiters.get(pk);
    if (!w) return;
    waiters.delete(pk);
    for (const fn of w) fn();
  }

  function backoff(attempts: number): number {
    const d = Math.min(maxBackoff, baseBackoff * 2 ** Math.max(0, attempts - 1));
    return Math.round(d * (0.5 + random() * 0.5));
  }

  function schedule(held: boolean): void {
    if (!started || stopped) return;
    const next = repo.nextDueAt();
    if (next === null) return;
    // A job already due is either running or waiting for a free slot: a finishing download pumps again, so
    // no timer is needed (and none is left behind to fire for nothing). One held back by a history sync
    // waits for the busy timer.
    if (next <= clock.now() && (inflight.size > 0 || held)) return;
    const at = Math.max(next, clock.now());
    if (timer !== null && timerAt <= at) return;
    if (timer !== null) clock.clearTimeout(timer);
    timerAt = at;
    timer = clock.setTimeout(() => {
      timer = null;
      timerAt = Infinity;
      pump();
    }, at - clock.now());
  }

  function pump(): void {
    if (!started || stopped) return;
    const syncing = clock.now() < historyBusyUntil;
    let held = false;
    while (inflight.size < concurrency && !held) {
      const candidates = repo.due(clock.now(), concurrency + inflight.size).filter((j) => !inflight.has(j.message_pk));
      let ran = false;
      for (const job of candidates) {
        if (inflight.size >= concurrency) break;
        // due() orders by priority: once one job is held, every job after it is held too.
        if (syncing && (job.priority <= MEDIA_PRIORITY.history || (job.priority <= MEDIA_PRIORITY.live && inflight.size >= 1))) {
          held = true;
          // Pumped again when the sync is over (no history batch for HISTORY_BUSY_MS).
          if (busyTimer === null) {
            busyTimer = clock.setTimeout(() => {
              busyTimer = null;
              pump();
            }, Math.max(1, historyBusyUntil - clock.now()));
          }
          break;
        }
        run(job);
        ran = true;
      }
      if (!ran) break;
    }
    schedule(held);
  }

  function run(job: DueMediaJob): void {
    const ac = new AbortController();
    inflight.set(job.message_pk, ac);
    const holder: { p?: Promise<void> } = {};
    const p = (async () => {
      await Promise.resolve();
      try {
        await execute(job, ac.signal);
      } catch (e) {
        onError(e);
      } finally {
        inflight.delete(job.message_pk);
        running.delete(holder.p!);
        wake(job.message_pk);
        pump();
      }
    })();
    holder.p = p;
    running.add(p);
  }

  async function execute(job: DueMediaJob, signal: AbortSignal): Promise<void> {
    const attempts = job.attempts + 1;
    let msg: WAMessage | null = null;
    try {
      msg = job.raw ? reviveRaw(job.raw) : null;
    } catch {
      msg = null;
    }
    if (!msg) {
      finish(job, { status: 'failed', error: 'no_stored_payload', retryable: false }, attempts);
      return;
    }
    const live = opts.live?.(job.session_id);
    const outcome = await download(files, msg, {
      ...opts.downloadOptions,
      reupload: live ? (m) => live.reupload(m) : undefined,
      signal,
    });
    if (stopped && signal.aborted) return; // shutdown: the job stays queued for the next start
    finish(job, outcome, attempts);
  }

  function finish(job: DueMediaJob, outcome: DownloadOutcome, attempts: number): void {
    const now = clock.now();
    const kind = (isKind(job.kind) ? job.kind : 'document') as MediaKind;
    if (outcome.status === 'done') {
      // The bytes must still be there: garbage collection may have run while this download was finishing.
      if (!files.has(outcome.sha256)) {
        repo.markRetry(job.message_pk, attempts, now, 'file vanished before it was recorded', now);
        return;
      }
      store.transaction(() => {
        repo.markDone(job.message_pk, { sha256: outcome.sha256, size: outcome.size, mimetype: outcome.mimetype }, now);
        const patched = outcome.reuploaded && job.raw ? withNewMediaLocation(job.raw, outcome.reuploaded) : null;
        if (patched) repo.updateRaw(job.message_pk, patched);
      });
      publish(job.session_id, {
        event: 'media.downloaded',
        payload: { chatJid: job.chat_jid, waMessageId: job.wa_message_id, kind, sha256: outcome.sha256, size: outcome.size, mimetype: outcome.mimetype },
      });
      return;
    }
    if (outcome.status === 'failed' && outcome.retryable && attempts < maxAttempts) {
      repo.markRetry(job.message_pk, attempts, now + backoff(attempts), outcome.error, now);
      return;
    }
    const state = outcome.status === 'expired' ? 'expired' : 'failed';
    repo.markFinal(job.message_pk, state, attempts, outcome.error, now);
    publish(job.session_id, {
      event: 'media.failed',
      payload: { chatJid: job.chat_jid, waMessageId: job.wa_message_id, kind, state, error: outcome.error, attempts },
    });
  }

  function publish(
    sessionId: string,
    e:
      | { event: 'media.downloaded'; payload: import('../core/events.js').MediaDownloadedPayload }
      | { event: 'media.failed'; payload: import('../core/events.js').MediaFailedPayload },
  ): void {
    if (!opts.events) return;
    const organizationId = orgOf(sessionId);
    if (!organizationId) return; // the session was deleted meanwhile
    try {
      opts.events.publish({ ...e, sessionId, organizationId } as Parameters<EventPublisher['publish']>[0]);
    } catch (err) {
      onError(err);
    }
  }

  function mediaOf(row: MediaMessageRow | undefined): { kind: MediaKind; size: number | null } | null {
    if (!row || row.has_media !== 1 || !row.raw) return null;
    try {
      const d = describeMedia(reviveRaw(row.raw));
      return d ? { kind: d.kind, size: d.fileLength } : null;
    } catch {
      return null;
    }
  }

  function readyFile(row: MediaMessageRow, kind: MediaKind): StoredMediaFile | null {
    if (row.state !== 'done' || !row.sha256) return null;
    const size = files.size(row.sha256);
    if (size === null) {
      // Recorded but gone from disk (removed by hand): forget it so it downloads again.
      repo.forgetMissingFile(row.sha256, clock.now());
      return null;
    }
    return { sha256: row.sha256, size, mimetype: row.media_mimetype, filename: row.media_filename, kind };
  }

  function waitFor(pk: number, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = waiters.get(pk);
      if (!set) waiters.set(pk, (set = new Set()));
      const done = () => {
        clock.clearTimeout(t);
        set!.delete(done);
        resolve();
      };
      const t = clock.setTimeout(done, ms);
      set.add(done);
    });
  }

  function collectGarbage(): number {
    let removed = 0;
    for (;;) {
      const batch = repo.orphanFiles(500);
      if (batch.length === 0) break;
      for (const sha of batch) {
        // Row first, then the file: a crash in between leaves an unrecorded file, which is harmless
        // (a later download of the same bytes reuses it) and never a record without its file.
        if (repo.deleteFileIfOrphan(sha) && files.remove(sha)) removed++;
      }
    }
    return removed;
  }

  // Parsed policies by session (zod on every committed batch showed in the history-sync profile); setPolicy
  // replaces the entry. Only this queue writes media_policies.
  const policies = new Map<string, MediaPolicy>();
  function policy(sessionId: string): MediaPolicy {
    let p = policies.get(sessionId);
    if (!p) policies.set(sessionId, (p = parsePolicy(repo.policy(sessionId))));
    return p;
  }

  return {
    async start() {
      if (started) return;
      await files.sweep();
      // Records whose file is gone (deleted by hand, a restored backup): queue those messages again.
      const recorded = repo.allFiles();
      for (const sha of recorded) if (!files.has(sha)) repo.forgetMissingFile(sha, clock.now());
      // Files on disk with no record: a crash between garbage collection's row delete and its unlink, or
      // between a verified rename and its record. Nothing runs yet, so none of them is being written now.
      const known = new Set(recorded);
      for (const sha of await files.list()) if (!known.has(sha)) files.remove(sha);
      started = true;
      stopped = false;
      collectGarbage();
      pump();
    },

    async stop() {
      stopped = true;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      if (busyTimer !== null) clock.clearTimeout(busyTimer);
      busyTimer = null;
      for (const ac of inflight.values()) ac.abort();
      // Aborted downloads settle at once (downloader.ts races every read against the signal); the bound is for
      // a shutdown that must not wait on the network whatever happens.
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise<void>((resolve) => (bound = setTimeout(resolve, opts.stopWaitMs ?? STOP_WAIT_MS).unref())),
      ]);
      clearTimeout(bound);
      started = false;
    },

    onMessagesStored(sessionId, items) {
      if (items.length === 0) return 0;
      if (items.some((it) => it.history)) historyBusyUntil = clock.now() + HISTORY_BUSY_MS;
      const p = policy(sessionId);
      // Usage is read once per batch; a batch can overshoot the cap by at most its own size.
      let used = p.storageCapBytes === null ? 0 : repo.sessionMediaBytes(sessionId);
      const now = clock.now();
      const jobs: NewMediaJob[] = [];
      for (const it of items) {
        if (decideAuto(p, it, used) !== 'download') continue;
        used += it.size ?? 0;
        jobs.push({
          sessionId,
          chatJid: it.chatJid,
          waMessageId: it.waMessageId,
          messagePk: it.messagePk,
          kind: it.kind,
          expectedSize: it.size,
          priority: it.history ? MEDIA_PRIORITY.history : MEDIA_PRIORITY.live,
          now,
        });
      }
      if (jobs.length === 0) return 0;
      const added = store.transaction(() => repo.enqueue(jobs));
      if (added > 0) pump();
      return added;
    },

    request(sessionId, chatJid, waMessageId) {
      const row = repo.message(sessionId, chatJid, waMessageId);
      const media = mediaOf(row);
      if (!row || !media) return 'no_media';
      if (readyFile(row, media.kind)) return 'done';
      repo.requeue({ pk: row.pk, sessionId, kind: media.kind, expectedSize: media.size, priority: MEDIA_PRIORITY.urgent, now: clock.now() });
      pump();
      return 'queued';
    },

    async resolve(sessionId, chatJid, waMessageId, o = {}) {
      let row = repo.message(sessionId, chatJid, waMessageId);
      if (!row || row.has_media !== 1) return { status: 'no_media' };
      // A verified file on disk is served whatever the payload (an import or an export fixture may carry none).
      const stored = readyFile(row, isKind(row.type) ? row.type : 'document');
      if (stored) return { status: 'ready', file: stored };
      const media = mediaOf(row);
      if (!media) return { status: 'no_media' };
      if (row.state === 'expired') return { status: 'expired', error: row.error ?? 'expired' };
      if (!opts.live?.(sessionId)) return { status: 'not_live' };
      if (row.state !== 'queued' || !inflight.has(row.pk)) {
        repo.requeue({ pk: row.pk, sessionId, kind: media.kind, expectedSize: media.size, priority: MEDIA_PRIORITY.urgent, now: clock.now() });
        pump();
      }
      if (inflight.has(row.pk) || repo.job(row.pk)?.state === 'queued') await waitFor(row.pk, o.waitMs ?? DEFAULT_WAIT_MS);
      row = repo.message(sessionId, chatJid, waMessageId);
      if (!row) return { status: 'no_media' };
      const after = readyFile(row, media.kind);
      if (after) return { status: 'ready', file: after };
      if (row.state === 'expired') return { status: 'expired', error: row.error ?? 'expired' };
      if (row.state === 'failed') return { status: 'failed', error: row.error ?? 'failed' };
      return { status: 'pending' };
    },

    thumbnail(sessionId, chatJid, waMessageId) {
      const row = repo.message(sessionId, chatJid, waMessageId);
      if (!row?.raw) return null;
      try {
        const bytes = jpegThumbnailOf(reviveRaw(row.raw));
        return bytes ? { bytes, sha256: createHash('sha256').update(bytes).digest('hex') } : null;
      } catch {
        return null;
      }
    },

    state(sessionId, chatJid, waMessageId) {
      return repo.message(sessionId, chatJid, waMessageId)?.state ?? 'none';
    },

    collectGarbage,

    storage(sessionId) {
      const counts = repo.counts(sessionId);
      const cap = policy(sessionId).storageCapBytes;
      let warning: string | null = null;
      if (cap !== null && counts.mediaBytes >= cap) {
        warning = `Media storage is full (${counts.mediaBytes} of ${cap} bytes): new media is no longer downloaded automatically.`;
      } else if (cap !== null && counts.mediaBytes >= cap * STORAGE_WARN_RATIO) {
        warning = `Media storage is almost full (${counts.mediaBytes} of ${cap} bytes).`;
      }
      return { ...counts, databaseBytes: repo.databaseBytes(), storageCapBytes: cap, warning };
    },

    policy,

    setPolicy(sessionId, patch) {
      const next = mergePolicy(policy(sessionId), patch);
      repo.setPolicy(sessionId, JSON.stringify(next), clock.now());
      policies.set(sessionId, next);
      return next;
    },

    running: () => inflight.size,
  };
}
