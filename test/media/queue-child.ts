/**
 * Child process of test/media/queue.test.ts ("SIGKILL mid-download"): opens the data dir's store, runs the
 * media queue on the jobs already queued there, and reports over IPC; the parent kills it while the
 * sandbox CDN holds the answer half-sent.
 */
import { join } from 'node:path';
import { createFileStore } from '../../src-main/media/file-store.js';
import { createMediaQueue } from '../../src-main/media/queue.js';
import { openStore } from '../../src-main/store/index.js';

const dir = process.argv[2]!;
const store = openStore(join(dir, 'gateway.db'), { backgroundCheckpoints: false });
const queue = createMediaQueue({ store, files: createFileStore(join(dir, 'media')), concurrency: 1 });
await queue.start();
process.send?.({ type: 'started', running: queue.running() });
