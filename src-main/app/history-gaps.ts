/**
 * Gaps in a chat's stored history: the rule, pure (the evidence is gathered by ingestion,
 * src-main/whatsapp/ingest/coverage.ts, and kept in chat_segments, migration 012).
 *
 * Why a rule at all: timestamps alone cannot tell a hole from a quiet week. So the gateway only vouches for
 * stretches it has evidence for, and calls everything between two such stretches a gap. The evidence:
 *
 * - One connection's realtime traffic. While a socket is open, WhatsApp delivers every message of every chat
 *   to this linked device (and, when it opens, the server's backlog first): the messages that arrived on one
 *   connection are contiguous, from the oldest to the newest of them. A connection ends the stretch: when it
 *   comes back the gateway cannot prove that the server still held everything (its offline queue is bounded
 *   and expires; a device that was away long enough misses messages), so the seam is reported as a gap. A
 *   seam that turns out empty costs one backfill, which closes it; a hole reported as covered would be lost.
 * - One pairing's history sync. The phone sends each chat's newest history, newest first, split over chunks
 *   (which may arrive in any order and over several connections): together they are one contiguous suffix of
 *   the chat up to the pairing, and the connection the sync arrives on continues it. The sync therefore
 *   shares the segment of that connection, however its chunks are ordered.
 * - One backfill answer. The phone answers "the N messages before message X": the answer and X are
 *   contiguous, from the oldest message of the answer up to X (ingestion keeps the anchor X per chat).
 *
 * Merging: stretches are closed intervals of message time. Two merge when they overlap, or when they meet in
 * one message (the same id at the same instant: a backfill anchored on the first message after a gap). Two
 * stretches that merely touch in time with different messages (WhatsApp stamps whole seconds) are not
 * merged: messages of that same second may be missing in between, so it is a gap, however short.
 * A gap closes when a backfill fills it: the answer's stretch overlaps the older side and ends on the message
 * it was anchored on, which starts the newer side.
 */

/** One stretch the archive holds without a hole (a chat_segments row). */
export interface Segment {
  fromAt: number;
  fromId: string;
  toAt: number;
  toId: string;
}

/** A hole between two stretches: the newest message before it and the oldest after it. */
export interface HistoryGap {
  /** waMessageId of the newest message before the hole. */
  after: string;
  /** waMessageId of the oldest message after the hole. */
  before: string;
  /** Epoch ms of `after`. */
  from: number;
  /** Epoch ms of `before`. */
  to: number;
}

interface Run {
  fromAt: number;
  fromId: string;
  toAt: number;
  /** Every message id a merged stretch ends on at toAt (stretches ending in the same instant). */
  toIds: Set<string>;
  toId: string;
}

/** Merges stretches (any order) and lists the holes between them, oldest first. */
export function mergeSegments(segments: readonly Segment[]): { runs: Segment[]; gaps: HistoryGap[] } {
  const sorted = segments
    .filter((s) => Number.isFinite(s.fromAt) && Number.isFinite(s.toAt) && s.fromAt <= s.toAt)
    // Oldest start first; of two starting together, the longer first so the shorter is inside it.
    .sort((a, b) => a.fromAt - b.fromAt || b.toAt - a.toAt);
  const runs: Run[] = [];
  const gaps: HistoryGap[] = [];
  for (const s of sorted) {
    const cur = runs.at(-1);
    if (cur && (s.fromAt < cur.toAt || (s.fromAt === cur.toAt && cur.toIds.has(s.fromId)))) {
      if (s.toAt > cur.toAt) {
        cur.toAt = s.toAt;
        cur.toId = s.toId;
        cur.toIds = new Set([s.toId]);
      } else if (s.toAt === cur.toAt) {
        cur.toIds.add(s.toId);
      }
      continue;
    }
    if (cur) gaps.push({ after: cur.toId, before: s.fromId, from: cur.toAt, to: s.fromAt });
    runs.push({ fromAt: s.fromAt, fromId: s.fromId, toAt: s.toAt, toId: s.toId, toIds: new Set([s.toId]) });
  }
  return { runs: runs.map(({ fromAt, fromId, toAt, toId }) => ({ fromAt, fromId, toAt, toId })), gaps };
}
