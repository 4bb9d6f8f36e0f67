/**
 * WAL checkpoints on a worker thread.
 *
 * With SQLite's automatic checkpoint, the commit that pushes the WAL past 1,000 pages also copies the WAL
 * into the database file and fsyncs both, inside the writer's call, on the main thread. On this app's
 * workload that is the single largest cost and the source of its latency spikes (docs/BENCHMARKS.md):
 * history sync rewrites thousands of index pages per chunk, so nearly every chunk's commit also paid a
 * checkpoint (200,000 messages: 1.9 GB written, ~290 fsyncs), and during live traffic one message in a
 * hundred or so waited 10-100 ms for a checkpoint, which set the realtime p99.
 *
 * Here a worker thread holds a second connection and runs PASSIVE checkpoints (they never block the writer
 * or readers) every CHECK_MS while the WAL has frames, backing off to IDLE_MS when it is empty. The main
 * connection keeps a much larger automatic checkpoint as a safety net (if the worker falls behind or is
 * gone, the WAL still cannot grow without bound). If the worker cannot start or dies, the main connection
 * goes back to SQLite's default automatic checkpoint: the behaviour without this module.
 *
 * The worker is an eval'd CommonJS script (no separate file for bundlers to find) that loads the same
 * better-sqlite3 the main thread uses and the same native binding (Electron passes its own build).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

/** Automatic checkpoint of the main connection while the worker runs (pages; ~64 MiB with 4 KiB pages). */
export const SAFETY_AUTOCHECKPOINT_PAGES = 16_384;
/** SQLite's default, restored when the worker is not running. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
const CHECK_MS = 100;
const IDLE_MS = 1_000;
/** How long stop() waits for the worker to close its connection. */
const STOP_WAIT_MS = 2_000;

const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {});
db.pragma('busy_timeout = 1000');
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let timer = null;
let stopped = false;
function run() {
  timer = null;
  if (stopped) return;
  let frames = 0;
  try {
    const r = checkpoint.get();
    frames = r ? r.log : 0;
  } catch (e) {
    // SQLITE_BUSY and the like: try again at the next tick.
  }
  timer = setTimeout(run, frames > 0 ? ${CHECK_MS} : ${IDLE_MS});
}
const closed = new Int32Array(workerData.closed);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    stopped = true;
    if (timer) clearTimeout(timer);
    try { db.close(); } catch (e) {}
    // Tell the main thread, which waits for this in stop(): after it, no file of the database is touched.
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
  }
});
parentPort.postMessage('started');
timer = setTimeout(run, ${CHECK_MS});
`;

export interface Checkpointer {
  /** True while the worker runs (false after a failure or stop). */
  running(): boolean;
  /** Stops the worker and waits (at most 2 s) until its connection is closed. Idempotent. */
  stop(): void;
}

export interface CheckpointerOptions {
  nativeBinding?: string | undefined;
  /** Called once if the worker fails (the main connection is already back on automatic checkpoints). */
  onError?: (err: unknown) => void;
}

/** Starts background checkpoints for a WAL database file opened as `db` on this thread. Never throws. */
export function startCheckpointer(db: Db, file: string, options: CheckpointerOptions = {}): Checkpointer {
  let worker: Worker | null = null;
  let alive = false;
  // Set to 1 by the worker once its connection is closed (stop() waits for it).
  const closedFlag = new Int32Array(new SharedArrayBuffer(4));
  let failed = false;
  const fallBack = (err: unknown) => {
    if (failed) return;
    failed = true;
    alive = false;
    worker = null;
    try {
      if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // the connection is closing; nothing left to protect
    }
    options.onError?.(err);
  };
  try {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, file, nativeBinding: options.nativeBinding ?? null, closed: closedFlag.buffer },
    });
    alive = true;
    db.pragma(`wal_autocheckpoint = ${SAFETY_AUTOCHECKPOINT_PAGES}`);
    worker.unref(); // never keeps a process (CLI, tests) alive
    worker.on('error', (err) => fallBack(err));
    worker.on('exit', (code) => {
      // After stop() the worker is expected to exit; before it, an exit is a failure.
      if (alive) fallBack(new Error(`checkpoint worker exited (${code})`));
    });
  } catch (err) {
    fallBack(err);
  }
  return {
    running: () => alive,
    stop() {
      if (!worker) return;
      const w = worker;
      alive = false;
      worker = null;
      try {
        if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
      } catch {
        // closing anyway
      }
      w.postMessage('stop');
      // Wait (bounded) until the worker's connection is closed, so that when close() returns nothing touches
      // the database files any more: the caller may delete or copy them at once. A worker that already died
      // never answers; the timeout covers it.
      if (!failed) Atomics.wait(closedFlag, 0, 0, STOP_WAIT_MS);
    },
  };
}
