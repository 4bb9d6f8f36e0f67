/**
 * Benchmark 1, history ingestion: 200,000 generated Baileys messages (the sandbox's composer: text, replies,
 * mentions, media, reactions, polls, edits, revokes, stubs...) cut into history-sync chunks of ~2,000 by the
 * sandbox's planHistory, each chunk encoded and decoded as a real HistorySync blob and run through Baileys'
 * processHistoryMessage - all BEFORE timing. Timed: ingestor.applyHistory per chunk (the real mapper, the
 * real repositories, one transaction per chunk, the real realtime hub as publisher).
 *
 * Reference ("raw"): the rows that ingestion stored, read back and inserted again into a fresh database
 * with one prepared positional INSERT in one transaction: the cost of the storage alone.
 *
 * Rounds alternate ours and raw; the best (fastest) round of each counts, on fresh databases each time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { WAMessage } from '@whiskeysockets/baileys';
import { createRealtimeHub } from '../../src-main/gateway/realtime.js';
import { openStore, type Store } from '../../src-main/store/index.js';
import { createIngestor, type HistoryChunk as HistoryPayload } from '../../src-main/whatsapp/ingest/index.js';
import { meIdentity } from '../../src-main/core/jid.js';
import { mapMessage, type MapperContext } from '../../src-main/whatsapp/mapper.js';
import { writeRawMessage } from '../../src-main/whatsapp/raw-message.js';
import { generateMessages, generateSandboxAccount, planHistory } from '../../src-main/whatsapp/sandbox/index.js';
import { benchArgs, figure, finish, log } from './common.js';

const BENCH = 'ingest';
const args = benchArgs();
const total = args.quick ? 20_000 : 200_000;
const chunkSize = 2_000;
const rounds = args.quick ? 1 : 5;
const SEED = 2026;
const ORG = '01JBENCHORG000000000000000';
const SESSION = '01JBENCHSESSION00000000000';
const logger = pino({ level: 'silent' });

// ---- payloads, before any timing ------------------------------------------------------------------------
let t0 = performance.now();
const account = generateSandboxAccount(SEED);
const generated = generateMessages(SEED, total, account.chats, { me: account.me });
const plan = planHistory({ ...account, messages: generated }, { bootstrapMessagesPerChat: 5, recentChunks: Math.ceil(total / chunkSize) });
const payloads: HistoryPayload[] = plan.map((chunk, i) => ({ ...chunk.build(), isLatest: i === 0 }) as HistoryPayload);
const payloadMessages = payloads.reduce((n, p) => n + p.messages.length, 0);
const types = new Map<string, number>();
for (const p of payloads) {
  for (const m of p.messages) {
    const content = m.message ? Object.keys(m.message).find((k) => k !== 'messageContextInfo') ?? 'none' : m.messageStubType ? 'stub' : 'none';
    types.set(content, (types.get(content) ?? 0) + 1);
  }
}
log(BENCH, `${payloadMessages} messages in ${payloads.length} chunks prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// ---- helpers ------------------------------------------------------------------------------------------
const dirs: string[] = [];
function freshStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'wagw-bench-ingest-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'gateway.db'));
  store.organizations.create(ORG, 'Bench', 1);
  store.sessions.create({
    id: SESSION,
    organizationId: ORG,
    label: 'bench',
    sandbox: false,
    sandboxSeed: null,
    fullHistory: true,
    autoRead: false,
    presenceTyping: false,
    now: 1,
  });
  store.sessions.update(SESSION, { waJid: account.me.jid, waLid: account.me.lid });
  return store;
}
function dropStores(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

const INSERT_COLUMNS = `session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type, body,
  media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
  created_at, ack_level, error, edited, deleted, placeholder, raw`;

interface OursRun {
  ms: number;
  inserted: number;
  failed: number;
  skipped: number;
  rows: unknown[][];
}

function runOurs(keepRows: boolean): OursRun {
  const store = freshStore();
  const hub = createRealtimeHub({ store, logger });
  const ingestor = createIngestor({ store, publisher: hub, logger });
  let inserted = 0;
  let failed = 0;
  let skipped = 0;
  const t = performance.now();
  for (const payload of payloads) {
    const stats = ingestor.applyHistory(SESSION, payload);
    inserted += stats.inserted;
    failed += stats.failed;
    skipped += stats.skipped;
  }
  const ms = performance.now() - t;
  const rows = keepRows
    ? (store.db.prepare(`SELECT ${INSERT_COLUMNS} FROM messages ORDER BY pk`).raw(true).all() as unknown[][])
    : [];
  hub.close();
  store.close();
  return { ms, inserted, failed, skipped, rows };
}

function runRaw(rows: unknown[][]): number {
  const store = freshStore();
  const insert = store.db.prepare(`INSERT INTO messages (${INSERT_COLUMNS}) VALUES (${rows[0]!.map(() => '?').join(', ')})`);
  const t = performance.now();
  store.db.transaction(() => {
    for (const r of rows) insert.run(r);
  })();
  const ms = performance.now() - t;
  store.close();
  return ms;
}

// ---- rounds -------------------------------------------------------------------------------------------
const oursTimes: number[] = [];
const rawTimes: number[] = [];
let reference: OursRun | undefined;
for (let r = 0; r < rounds; r++) {
  const ours = runOurs(reference === undefined);
  reference ??= ours;
  oursTimes.push(ours.ms);
  const raw = runRaw(reference.rows);
  rawTimes.push(raw);
  dropStores();
  log(BENCH, `round ${r + 1}: ours ${ours.ms.toFixed(0)} ms (${ours.inserted} rows), raw ${raw.toFixed(0)} ms`);
}
const ours = Math.min(...oursTimes);
const raw = Math.min(...rawTimes);
const rows = reference!.rows.length;

// ---- where the time goes (untimed above; measured separately, no database) ---------------------------
const all: WAMessage[] = payloads.flatMap((p) => p.messages);
const me = meIdentity({ id: account.me.jid, lid: account.me.lid });
const ctx: MapperContext = { me, resolvePn: () => undefined, resolveLid: () => undefined, displayName: () => null };
t0 = performance.now();
for (const m of all) mapMessage(m, ctx);
const mapperUs = ((performance.now() - t0) * 1000) / all.length;
t0 = performance.now();
for (const m of all) writeRawMessage(m);
const rawOfUs = ((performance.now() - t0) * 1000) / all.length;
log(BENCH, `mapper alone ${mapperUs.toFixed(2)} us/msg (of which writeRawMessage ${rawOfUs.toFixed(2)} us)`);

finish(args, {
  bench: BENCH,
  figures: [
    figure('ingest.history.messages_per_s', (payloadMessages / ours) * 1000, 'msg/s', { op: '>=', value: 100_000 }, `history sync, ${payloadMessages} messages in chunks of ~${chunkSize}`),
    figure('ingest.raw_insert.rows_per_s', (rows / raw) * 1000, 'rows/s', null, 'same rows, prepared INSERT, one transaction'),
    figure('ingest.history_over_raw', raw / ours, 'x', { op: '>=', value: 0.5 }, 'raw time / ingestion time, same rows'),
  ],
  details: {
    messages: payloadMessages,
    chunks: payloads.length,
    rows,
    inserted: reference!.inserted,
    skipped: reference!.skipped,
    failed: reference!.failed,
    oursMs: oursTimes,
    rawMs: rawTimes,
    usPerMessage: { ours: (ours * 1000) / payloadMessages, raw: (raw * 1000) / rows, mapper: mapperUs, rawOf: rawOfUs /* key read by report.ts */ },
    contentTypes: Object.fromEntries([...types].sort((a, b) => b[1] - a[1])),
  },
});
