/**
 * Benchmark 2, paging: keyset pages of a 1,000,000-message chat (plus 10,000 other chats), first page and a
 * page at depth 900,000, in-process (store.messages.page) and over HTTP (the gateway in a child process,
 * GET /sessions/{s}/chats/{cid}/messages?limit=50&cursor=...), against the OFFSET query at the same depth.
 *
 * The deep cursor is the (timestamp, pk) of row 900,000 - 1 in newest-first order, encoded with the
 * gateway's own cursor codec and secret; the benchmark checks that the keyset page, the OFFSET page and the
 * HTTP page hold the same rows before it times anything.
 */
import { createCursorCodec } from '../../src-main/core/cursor.js';
import { openStore } from '../../src-main/store/index.js';
import type { MessageKey } from '../../src-main/store/repositories/messages.js';
import {
  benchArgs,
  figure,
  finish,
  httpGet,
  log,
  nextMessage,
  repoPath,
  spawnTs,
  stopChild,
  summarize,
  type Figure,
} from './common.js';
import { readFixture } from './fixture.js';

const BENCH = 'paging';
const PAGE = 50;
/** The columns the repository's page query reads, so OFFSET does the same work per row. */
const COLUMNS = `pk, session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type, body,
  media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
  created_at, ack_level, error, edited, deleted, placeholder`;

const args = benchArgs();
if (!args.fixture) throw new Error('paging needs --fixture DIR (built by run.ts)');
const meta = readFixture(args.fixture);
const depth = Math.round(meta.bigChatMessages * 0.9);
const iterations = args.quick ? 200 : 1000;
const offsetRuns = args.quick ? 3 : 7;
const { sessionId, chatJid } = meta;

const elapsed = (fn: () => unknown): number => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

// ---- in-process --------------------------------------------------------------------------------------
const store = openStore(meta.dbFile);
const offsetPage = store.db.prepare(
  `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND chat_jid = ? ORDER BY timestamp DESC, pk DESC LIMIT ? OFFSET ?`,
);
const keyAt = store.db.prepare(
  'SELECT timestamp, pk FROM messages WHERE session_id = ? AND chat_jid = ? ORDER BY timestamp DESC, pk DESC LIMIT 1 OFFSET ?',
);
const deepKey = keyAt.get(sessionId, chatJid, depth - 1) as MessageKey;
const expected = offsetPage.all(sessionId, chatJid, PAGE, depth) as { pk: number; wa_message_id: string }[];
const keyset = store.messages.page(sessionId, chatJid, PAGE, deepKey);
if (keyset.length !== PAGE || keyset.some((r, i) => r.pk !== expected[i]?.pk)) {
  throw new Error('the keyset page at depth does not hold the rows OFFSET returns: the benchmark would compare different pages');
}
log(BENCH, `depth ${depth}: key ${JSON.stringify(deepKey)}, first row pk ${keyset[0]!.pk}`);

for (let i = 0; i < 50; i++) {
  store.messages.page(sessionId, chatJid, PAGE);
  store.messages.page(sessionId, chatJid, PAGE, deepKey);
}
const storeFirst: number[] = [];
const storeDeep: number[] = [];
for (let i = 0; i < iterations; i++) {
  // Alternating, so a noisy moment on the shared machine hits both series alike.
  storeFirst.push(elapsed(() => store.messages.page(sessionId, chatJid, PAGE)));
  storeDeep.push(elapsed(() => store.messages.page(sessionId, chatJid, PAGE, deepKey)));
}
const offsetTimes: number[] = [];
for (let i = 0; i < offsetRuns; i++) offsetTimes.push(elapsed(() => offsetPage.all(sessionId, chatJid, PAGE, depth)));
const newestId = store.messages.page(sessionId, chatJid, 1)[0]!.wa_message_id;
store.close();
const sf = summarize(storeFirst);
const sd = summarize(storeDeep);
const so = summarize(offsetTimes);
log(BENCH, `in-process first ${sf.median.toFixed(3)} ms, deep ${sd.median.toFixed(3)} ms, OFFSET ${so.median.toFixed(1)} ms`);

// ---- HTTP ---------------------------------------------------------------------------------------------
const server = spawnTs(repoPath('test/bench/server-gateway.ts'), ['--data-dir', meta.dataDir]);
let httpFigures: Figure[] = [];
let httpDetails: Record<string, unknown> = {};
try {
  const { port } = await nextMessage<{ port: number }>(server, 'ready', 120_000);
  const cursor = createCursorCodec(meta.cursorSecret).encode(`messages:${sessionId}:${chatJid}`, [deepKey.timestamp, deepKey.pk]);
  const base = `http://127.0.0.1:${port}/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(chatJid)}/messages?limit=${PAGE}`;
  const firstUrl = base;
  const deepUrl = `${base}&cursor=${encodeURIComponent(cursor)}`;
  const headers = { 'x-api-key': meta.apiKey };
  const check = async (url: string, firstId: string) => {
    const res = await httpGet(url, headers);
    const body = JSON.parse(res.body.toString('utf8')) as { data?: { id: string }[] };
    if (res.status !== 200 || body.data?.length !== PAGE || body.data[0]!.id !== firstId) {
      throw new Error(`unexpected HTTP page (${res.status}): ${res.body.toString('utf8').slice(0, 300)}`);
    }
  };
  await check(deepUrl, keyset[0]!.wa_message_id);
  await check(firstUrl, newestId);

  const timeGet = async (url: string): Promise<number> => {
    const t = process.hrtime.bigint();
    const res = await httpGet(url, headers);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return ms;
  };
  for (let i = 0; i < 50; i++) {
    await timeGet(firstUrl);
    await timeGet(deepUrl);
  }
  const httpFirst: number[] = [];
  const httpDeep: number[] = [];
  for (let i = 0; i < iterations; i++) {
    httpFirst.push(await timeGet(firstUrl));
    httpDeep.push(await timeGet(deepUrl));
  }
  const hf = summarize(httpFirst);
  const hd = summarize(httpDeep);
  log(BENCH, `HTTP first ${hf.median.toFixed(2)} / p99 ${hf.p99.toFixed(2)} ms, deep ${hd.median.toFixed(2)} / p99 ${hd.p99.toFixed(2)} ms`);
  httpFigures = [
    figure('paging.http.first_page.median', hf.median, 'ms', null, 'HTTP first page, median'),
    figure('paging.http.first_page.p99', hf.p99, 'ms', { op: '<', value: 20 }, 'HTTP first page, p99'),
    figure('paging.http.deep_page.median', hd.median, 'ms', null, `HTTP page at depth ${depth}, median`),
    figure('paging.http.deep_page.p99', hd.p99, 'ms', { op: '<', value: 20 }, `HTTP page at depth ${depth}, p99`),
    figure('paging.http.deep_over_first', hd.median / hf.median, 'x', { op: '<=', value: 1.5 }, 'HTTP deep / first page (medians)'),
  ];
  httpDetails = { httpFirst: hf, httpDeep: hd };
} finally {
  await stopChild(server);
}

finish(args, {
  bench: BENCH,
  figures: [
    figure('paging.store.first_page.median', sf.median, 'ms', null, 'store.messages.page, first page, median'),
    figure('paging.store.first_page.p99', sf.p99, 'ms', null, 'store.messages.page, first page, p99'),
    figure('paging.store.deep_page.median', sd.median, 'ms', null, `store.messages.page at depth ${depth}, median`),
    figure('paging.store.deep_page.p99', sd.p99, 'ms', null, `store.messages.page at depth ${depth}, p99`),
    figure('paging.store.deep_over_first', sd.median / sf.median, 'x', { op: '<=', value: 1.5 }, 'in-process deep / first page (medians)'),
    figure('paging.offset.deep_page.median', so.median, 'ms', null, `LIMIT 50 OFFSET ${depth}, median`),
    figure('paging.offset_over_keyset', so.median / sd.median, 'x', { op: '>=', value: 100 }, 'OFFSET / keyset at depth (medians)'),
    ...httpFigures,
  ],
  details: {
    depth,
    iterations,
    offsetRuns,
    deepKey,
    storeFirst: sf,
    storeDeep: sd,
    offset: so,
    ...httpDetails,
    fixture: { bigChatMessages: meta.bigChatMessages, otherChats: meta.otherChats, fileMiB: meta.fileMiB },
  },
});
