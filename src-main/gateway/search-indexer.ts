/**
 * The search indexer in the running gateway (issue 10). At start it indexes what an upgraded archive holds
 * (store/search-backfill.ts: batches between turns of the event loop, progress logged and served by
 * GET /sessions/{s}/messages/search/status); afterwards it looks for queued rows (the insert/update triggers
 * of migrations/003_message_search.sql queue every stored or edited message) every `intervalMs`, so what an
 * ingestion batch stored is indexed within about that time instead of at the next search. It stops when the
 * HTTP server closes, before the gateway closes the store (create-gateway.ts).
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { runSearchBackfill } from '../store/search-backfill.js';

export interface SearchIndexer {
  /** Indexes what is pending now (resolves when the queue is empty or the indexer stopped). */
  flush(): Promise<void>;
  stop(): void;
}

export function startSearchIndexer(deps: { store: Store; logger: Logger; server: Server; intervalMs?: number }): SearchIndexer {
  const { store, logger } = deps;
  const abort = new AbortController();
  let run: Promise<void> | null = null;
  let first = true;

  const flush = (): Promise<void> => {
    if (abort.signal.aborted) return Promise.resolve();
    run ??= (async () => {
      try {
        // Only the first run (an upgraded archive) is worth log lines; later runs are a batch of new messages.
        const log = first ? (line: string) => logger.info(line) : undefined;
        first = false;
        await runSearchBackfill(store, { signal: abort.signal, ...(log ? { log } : {}) });
      } catch (err) {
        if (!abort.signal.aborted) logger.error({ err }, 'search indexing failed; retrying at the next tick');
      } finally {
        run = null;
      }
    })();
    return run;
  };

  const timer = setInterval(() => {
    if (run === null && !abort.signal.aborted && store.search.pending()) void flush();
  }, deps.intervalMs ?? 500);
  timer.unref();
  const stop = () => {
    abort.abort();
    clearInterval(timer);
  };
  deps.server.once('close', stop);
  void flush();
  return { flush, stop };
}
