/**
 * Child process of the startup/memory benchmark: a history sync of N messages (default 100,000) in chunks
 * of ~2,000 into a fresh store, the way a real sync arrives - each chunk is decoded (encode -> decode ->
 * processHistoryMessage, by the sandbox's planHistory) only when it is its turn, then ingested. The
 * messages themselves are generated before the baseline is taken.
 *
 * IPC: {type:'baseline', rssMiB} once ready (the parent starts sampling /proc), then
 * {type:'done', baselineMiB, peakMiB (VmHWM since the baseline), afterMiB, ms, inserted, perChunkMiB[]}.
 *   node --expose-gc --import tsx test/bench/history-rss.ts --messages 100000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createRealtimeHub } from '../../src-main/gateway/realtime.js';
import { openStore } from '../../src-main/store/index.js';
import { createIngestor, type HistoryChunk as HistoryPayload } from '../../src-main/whatsapp/ingest/index.js';
import { generateMessages, generateSandboxAccount, planHistory } from '../../src-main/whatsapp/sandbox/index.js';
import { peakRssMiB, resetPeakRss, rssMiB } from './common.js';

const i = process.argv.indexOf('--messages');
const total = i >= 0 ? Number(process.argv[i + 1]) : 100_000;
const SEED = 99;
const logger = pino({ level: 'silent' });

const dir = mkdtempSync(join(tmpdir(), 'wagw-bench-rss-'));
const store = openStore(join(dir, 'gateway.db'));
store.organizations.create('01JRSSORG00000000000000000', 'Bench', 1);
store.sessions.create({
  id: '01JRSSSESSION0000000000000',
  organizationId: '01JRSSORG00000000000000000',
  label: 'rss',
  sandbox: false,
  sandboxSeed: null,
  fullHistory: true,
  autoRead: false,
  presenceTyping: false,
  now: 1,
});
const account = generateSandboxAccount(SEED);
store.sessions.update('01JRSSSESSION0000000000000', { waJid: account.me.jid, waLid: account.me.lid });
const hub = createRealtimeHub({ store, logger });
const ingestor = createIngestor({ store, publisher: hub, logger });
const plan = planHistory({ ...account, messages: generateMessages(SEED, total, account.chats, { me: account.me }) }, {
  bootstrapMessagesPerChat: 5,
  recentChunks: Math.ceil(total / 2000),
});

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
await new Promise((r) => setTimeout(r, 200));
const baselineMiB = rssMiB(process.pid);
resetPeakRss();
const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
process.send?.({ type: 'baseline', rssMiB: baselineMiB });
await go;

const perChunkMiB: number[] = [];
let inserted = 0;
const t = performance.now();
for (const [index, chunk] of plan.entries()) {
  const payload = { ...chunk.build(), isLatest: index === 0 } as HistoryPayload;
  inserted += ingestor.applyHistory('01JRSSSESSION0000000000000', payload).inserted;
  perChunkMiB.push(rssMiB(process.pid));
  // Real chunks arrive one download at a time: let the event loop (and timers, GC) run between them.
  await new Promise((r) => setImmediate(r));
}
const ms = performance.now() - t;
const peakMiB = peakRssMiB(process.pid);
const afterMiB = rssMiB(process.pid);
hub.close();
store.close();
rmSync(dir, { recursive: true, force: true });
process.send?.({ type: 'done', baselineMiB, peakMiB, afterMiB, ms, inserted, perChunkMiB }, () => process.exit(0));
