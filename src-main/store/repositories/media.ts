import type { Db } from '../database.js';
import { inListStatements } from '../in-list.js';

/** A message's media state; 'none' is the absence of a job row. */
export type MediaJobState = 'queued' | 'done' | 'failed' | 'expired';

export interface MediaJobRow {
  message_pk: number;
  session_id: string;
  kind: string;
  state: MediaJobState;
  sha256: string | null;
  expected_size: number | null;
  priority: number;
  attempts: number;
  next_attempt_at: number;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** A due job with what the downloader needs from its message. */
export interface DueMediaJob extends MediaJobRow {
  chat_jid: string;
  wa_message_id: string;
  raw: string | null;
}

/** The message side of a media request (the route knows session, chat and WhatsApp id). */
export interface MediaMessageRow {
  pk: number;
  session_id: string;
  chat_jid: string;
  wa_message_id: string;
  type: string;
  has_media: number;
  media_mimetype: string | null;
  media_filename: string | null;
  media_size: number | null;
  raw: string | null;
  /** Joined from media_jobs; null = 'none'. */
  state: MediaJobState | null;
  sha256: string | null;
  error: string | null;
  file_size: number | null;
}

/** Rows per multi-row INSERT when queueing by pk (8 parameters each; far below SQLite's 32,766). */
const JOBS_PER_INSERT = 64;
/** One row's parameters for the by-pk INSERT, in its column order. */
const jobParams = (j: NewMediaJob) => [j.messagePk, j.sessionId, j.kind, j.expectedSize, j.priority, j.now, j.now, j.now];

export interface NewMediaJob {
  sessionId: string;
  chatJid: string;
  waMessageId: string;
  /** The message's pk when the caller has it (ingestion does): saves looking it up by (session, id, chat). */
  messagePk?: number | undefined;
  kind: string;
  expectedSize: number | null;
  priority: number;
  now: number;
}

export interface MediaStorageCounts {
  messages: number;
  mediaFiles: number;
  mediaBytes: number;
  pending: number;
  failed: number;
}

export type MediaRepository = ReturnType<typeof createMediaRepository>;

/** Media files, per-message media jobs and per-session media policy (migration 005). */
export function createMediaRepository(db: Db) {
  // Resolves the message by its natural key inside the statement, so the ingestion hook needs no pk.
  const statesStmt = inListStatements(db, (n) => `SELECT message_pk, state FROM media_jobs WHERE message_pk IN (${'?,'.repeat(n - 1)}?)`);
  // Positional parameters: a history sync queues thousands at once, and binding by name costs more per row.
  const insertJob = db.prepare(`INSERT OR IGNORE INTO media_jobs
      (message_pk, session_id, kind, state, expected_size, priority, attempts, next_attempt_at, created_at, updated_at)
    SELECT pk, session_id, ?, 'queued', ?, ?, 0, ?, ?, ?
      FROM messages WHERE session_id = ? AND chat_jid = ? AND wa_message_id = ?`);
  // By pk, JOBS_PER_INSERT rows per statement: a history chunk queues hundreds of jobs and one call per row was
  // most of the time (queueing 13,000 history jobs: ~90 ms of a ~2.5 s sync, test/bench/media.ts).
  const jobValues = (n: number) => Array.from({ length: n }, () => "(?, ?, ?, 'queued', ?, ?, 0, ?, ?, ?)").join(', ');
  const insertJobsByPk = (n: number) =>
    db.prepare(`INSERT OR IGNORE INTO media_jobs
      (message_pk, session_id, kind, state, expected_size, priority, attempts, next_attempt_at, created_at, updated_at)
    VALUES ${jobValues(n)}`);
  const insertJobByPk = insertJobsByPk(1);
  const insertManyByPk = insertJobsByPk(JOBS_PER_INSERT);
  // (Re)queue on request: anything not done starts over with a fresh attempt budget.
  const requeue = db.prepare(`INSERT INTO media_jobs
      (message_pk, session_id, kind, state, expected_size, priority, attempts, next_attempt_at, created_at, updated_at)
    VALUES (@pk, @session_id, @kind, 'queued', @expected_size, @priority, 0, @now, @now, @now)
    ON CONFLICT (message_pk) DO UPDATE SET state = 'queued', priority = MAX(priority, excluded.priority), attempts = 0,
      next_attempt_at = excluded.next_attempt_at, error = NULL, updated_at = excluded.updated_at
    WHERE media_jobs.state <> 'done' OR media_jobs.sha256 IS NULL`);
  // issue 13: the file of a message we send is ours already: its job is born done.
  const insertDoneJob = db.prepare(`INSERT INTO media_jobs
      (message_pk, session_id, kind, state, sha256, expected_size, priority, attempts, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, 'done', ?, ?, 0, 0, 0, ?, ?)
    ON CONFLICT (message_pk) DO UPDATE SET state = 'done', sha256 = excluded.sha256, error = NULL, updated_at = excluded.updated_at`);
  const jobByPk = db.prepare('SELECT * FROM media_jobs WHERE message_pk = ?');
  const due = db.prepare(`SELECT j.*, m.chat_jid, m.wa_message_id, m.raw FROM media_jobs j JOIN messages m ON m.pk = j.message_pk
    WHERE j.state = 'queued' AND j.next_attempt_at <= ? ORDER BY j.priority DESC, j.next_attempt_at LIMIT ?`);
  // The soonest queued job of each priority (1 urgent, 0 live background, -1 history background: media/queue.ts
  // MEDIA_PRIORITY) is one seek in media_jobs_due (priority DESC, next_attempt_at); a plain MIN(next_attempt_at)
  // walked the whole index, thousands of rows during a history sync, on every scheduling decision.
  const nextDue = db.prepare(`SELECT MIN(at) AS at FROM (
      SELECT (SELECT next_attempt_at FROM media_jobs WHERE state = 'queued' AND priority = 1 ORDER BY next_attempt_at LIMIT 1) AS at
      UNION ALL
      SELECT (SELECT next_attempt_at FROM media_jobs WHERE state = 'queued' AND priority = 0 ORDER BY next_attempt_at LIMIT 1)
      UNION ALL
      SELECT (SELECT next_attempt_at FROM media_jobs WHERE state = 'queued' AND priority = -1 ORDER BY next_attempt_at LIMIT 1))`);
  const insertFile = db.prepare('INSERT OR IGNORE INTO media_files (sha256, size, mimetype, created_at) VALUES (?, ?, ?, ?)');
  const setDone = db.prepare(`UPDATE media_jobs SET state = 'done', sha256 = ?, error = NULL, attempts = attempts + 1, updated_at = ?
    WHERE message_pk = ?`);
  const setRetry = db.prepare(`UPDATE media_jobs SET attempts = ?, next_attempt_at = ?, error = ?, updated_at = ? WHERE message_pk = ?`);
  const setFinal = db.prepare(`UPDATE media_jobs SET state = ?, attempts = ?, error = ?, updated_at = ? WHERE message_pk = ?`);
  const setRaw = db.prepare('UPDATE messages SET raw = ? WHERE pk = ?');
  const messageByKey = db.prepare(`SELECT m.pk, m.session_id, m.chat_jid, m.wa_message_id, m.type, m.has_media, m.media_mimetype,
      m.media_filename, m.media_size, m.raw, j.state, j.sha256, j.error, f.size AS file_size
    FROM messages m LEFT JOIN media_jobs j ON j.message_pk = m.pk LEFT JOIN media_files f ON f.sha256 = j.sha256
    WHERE m.session_id = ? AND m.chat_jid = ? AND m.wa_message_id = ?`);
  const fileBySha = db.prepare('SELECT sha256, size, mimetype, created_at FROM media_files WHERE sha256 = ?');
  const orphans = db.prepare(`SELECT sha256 FROM media_files f WHERE NOT EXISTS (SELECT 1 FROM media_jobs j WHERE j.sha256 = f.sha256)
    LIMIT ?`);
  const deleteFile = db.prepare('DELETE FROM media_files WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM media_jobs j WHERE j.sha256 = ?)');
  const allFiles = db.prepare('SELECT sha256 FROM media_files').pluck();
  const dropFileRow = db.prepare('DELETE FROM media_files WHERE sha256 = ?');
  const resetJobsOfFile = db.prepare(`UPDATE media_jobs SET state = 'queued', sha256 = NULL, attempts = 0, next_attempt_at = ?,
    error = NULL, updated_at = ? WHERE sha256 = ?`);
  const countMessages = db.prepare('SELECT COUNT(*) FROM messages WHERE session_id = ?').pluck();
  const sessionFiles = db.prepare(`SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM media_files
    WHERE sha256 IN (SELECT sha256 FROM media_jobs WHERE session_id = ? AND state = 'done' AND sha256 IS NOT NULL)`);
  const countState = db.prepare('SELECT COUNT(*) FROM media_jobs WHERE session_id = ? AND state = ?').pluck();
  const pageCount = db.prepare('PRAGMA page_count').pluck();
  const pageSize = db.prepare('PRAGMA page_size').pluck();
  const getPolicy = db.prepare('SELECT policy FROM media_policies WHERE session_id = ?').pluck();
  const putPolicy = db.prepare(`INSERT INTO media_policies (session_id, policy, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (session_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`);

  return {
    /** Queues downloads for stored messages (unknown messages and existing jobs are left alone); returns how many were added. */
    enqueue(jobs: readonly NewMediaJob[]): number {
      let added = 0;
      const byPk: NewMediaJob[] = [];
      for (const j of jobs) {
        if (j.messagePk !== undefined) byPk.push(j);
        else added += insertJob.run(j.kind, j.expectedSize, j.priority, j.now, j.now, j.now, j.sessionId, j.chatJid, j.waMessageId).changes;
      }
      let i = 0;
      for (; i + JOBS_PER_INSERT <= byPk.length; i += JOBS_PER_INSERT) {
        added += insertManyByPk.run(byPk.slice(i, i + JOBS_PER_INSERT).flatMap(jobParams)).changes;
      }
      for (; i < byPk.length; i++) added += insertJobByPk.run(jobParams(byPk[i]!)).changes;
      return added;
    },
    /** Queues (again) one message's download now; a completed one is left as it is. True when queued. */
    requeue(m: { pk: number; sessionId: string; kind: string; expectedSize: number | null; priority: number; now: number }): boolean {
      return (
        requeue.run({ pk: m.pk, session_id: m.sessionId, kind: m.kind, expected_size: m.expectedSize, priority: m.priority, now: m.now })
          .changes > 0
      );
    },
    job(messagePk: number): MediaJobRow | undefined {
      return jobByPk.get(messagePk) as MediaJobRow | undefined;
    },
    due(now: number, limit: number): DueMediaJob[] {
      return due.all(now, limit) as DueMediaJob[];
    },
    /** When the soonest queued job is due, or null when none is queued. */
    nextDueAt(): number | null {
      return (nextDue.get() as { at: number | null }).at;
    },
    /** The file is stored and verified: record it and point the job at it (one transaction). */
    markDone(messagePk: number, file: { sha256: string; size: number; mimetype: string | null }, now: number): void {
      db.transaction(() => {
        insertFile.run(file.sha256, file.size, file.mimetype, now);
        setDone.run(file.sha256, now, messagePk);
      })();
    },
    /** A message we send with a file already in the media store: record the file and a done job (issue 13). */
    recordSent(messagePk: number, sessionId: string, kind: string, file: { sha256: string; size: number; mimetype: string | null }, now: number): void {
      db.transaction(() => {
        insertFile.run(file.sha256, file.size, file.mimetype, now);
        insertDoneJob.run(messagePk, sessionId, kind, file.sha256, file.size, now, now);
      })();
    },
    markRetry(messagePk: number, attempts: number, nextAttemptAt: number, error: string, now: number): void {
      setRetry.run(attempts, nextAttemptAt, error, now, messagePk);
    },
    markFinal(messagePk: number, state: 'failed' | 'expired', attempts: number, error: string, now: number): void {
      setFinal.run(state, attempts, error, now, messagePk);
    },
    /** Keeps the message payload a re-upload returned (new url/directPath), so later downloads use it. */
    updateRaw(messagePk: number, raw: string): void {
      setRaw.run(raw, messagePk);
    },
    /** Media states of many messages at once (a page of Message objects: media.state); absent pk = 'none'. */
    states(messagePks: readonly number[]): Map<number, MediaJobState> {
      const out = new Map<number, MediaJobState>();
      // SQLite caps bound parameters (32,766 since 3.32); pages are at most 200 rows, chunks keep this safe anyway.
      for (let i = 0; i < messagePks.length; i += 500) {
        const part = messagePks.slice(i, i + 500);
        const rows = statesStmt(part.length).all(...part) as { message_pk: number; state: MediaJobState }[];
        for (const r of rows) out.set(r.message_pk, r.state);
      }
      return out;
    },
    message(sessionId: string, chatJid: string, waMessageId: string): MediaMessageRow | undefined {
      return messageByKey.get(sessionId, chatJid, waMessageId) as MediaMessageRow | undefined;
    },
    file(sha256: string): { sha256: string; size: number; mimetype: string | null; created_at: number } | undefined {
      return fileBySha.get(sha256) as { sha256: string; size: number; mimetype: string | null; created_at: number } | undefined;
    },
    /** Files no message references any more (deleted chats and sessions). */
    orphanFiles(limit = 1000): string[] {
      return (orphans.all(limit) as { sha256: string }[]).map((r) => r.sha256);
    },
    /** Deletes a file row if still unreferenced; true when deleted (then the file itself may go). */
    deleteFileIfOrphan(sha256: string): boolean {
      return deleteFile.run(sha256, sha256).changes > 0;
    },
    allFiles(): string[] {
      return allFiles.all() as string[];
    },
    /** A recorded file is missing on disk: forget it and queue its messages again. */
    forgetMissingFile(sha256: string, now: number): void {
      db.transaction(() => {
        resetJobsOfFile.run(now, now, sha256);
        dropFileRow.run(sha256);
      })();
    },
    counts(sessionId: string): MediaStorageCounts {
      const f = sessionFiles.get(sessionId) as { n: number; bytes: number };
      return {
        messages: countMessages.get(sessionId) as number,
        mediaFiles: f.n,
        mediaBytes: f.bytes,
        pending: countState.get(sessionId, 'queued') as number,
        failed: (countState.get(sessionId, 'failed') as number) + (countState.get(sessionId, 'expired') as number),
      };
    },
    /** Bytes of the media files this session's messages reference (shared files count for each session). */
    sessionMediaBytes(sessionId: string): number {
      return (sessionFiles.get(sessionId) as { bytes: number }).bytes;
    },
    /** Size of the whole database file (all sessions share it). */
    databaseBytes(): number {
      return (pageCount.get() as number) * (pageSize.get() as number);
    },
    policy(sessionId: string): string | undefined {
      return getPolicy.get(sessionId) as string | undefined;
    },
    setPolicy(sessionId: string, json: string, now: number): void {
      putPolicy.run(sessionId, json, now);
    },
  };
}
