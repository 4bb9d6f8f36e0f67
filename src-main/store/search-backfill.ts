/**
 * The search indexer, in the background: one indexing step (store.search.backfill) per turn of the event
 * loop until nothing is left, so the gateway keeps serving while it works. A step first indexes what the
 * triggers queued (messages stored or changed since the last step), then a batch of the messages stored
 * before search existed (migration 003). Progress is kept in `meta` and in the queue table, so a restart
 * resumes where it stopped. The gateway is to run it after the store opens and after each ingestion batch
 * (history chunk, live messages): src-main/gateway/search-indexer.ts does both.
 */
import type { Store } from './index.js';
import type { BackfillProgress } from './repositories/search.js';

export interface SearchBackfillOptions {
  /** Rows per transaction (default 2,000: ~20-40 ms of work, short enough not to delay requests much). */
  batchSize?: number;
  /** Called with a line of progress about every `logEveryPercent` (default 10) and at the end. */
  log?: (message: string) => void;
  logEveryPercent?: number;
  /** Stops between batches when aborted (e.g. at shutdown); the next run resumes. */
  signal?: AbortSignal;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runSearchBackfill(store: Store, options: SearchBackfillOptions = {}): Promise<BackfillProgress> {
  const { batchSize = 2000, log = () => {}, logEveryPercent = 10, signal } = options;
  let p = store.search.backfillProgress();
  if (p.finished) return p;
  const started = performance.now();
  const startDone = p.done;
  let nextLog = 0;
  log(`search index: ${p.total - p.done} stored messages and ${p.queued} new ones to index`);
  while (!p.finished && !signal?.aborted) {
    p = store.search.backfill(batchSize);
    const percent = p.total ? (100 * p.done) / p.total : 100;
    if (percent >= nextLog || p.finished) {
      const rate = ((p.done - startDone) / Math.max(1, performance.now() - started)) * 1000;
      log(`search index: ${p.done} / ${p.total} (${percent.toFixed(0)} %, ${Math.round(rate)} rows/s)`);
      nextLog = Math.floor(percent / logEveryPercent) * logEveryPercent + logEveryPercent;
    }
    if (!p.finished) await nextTurn();
  }
  return p;
}
