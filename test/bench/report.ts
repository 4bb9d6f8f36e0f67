/**
 * docs/BENCHMARKS.md from a full run: machine, command, the figures, and for every MISS its cause, what was
 * done and what is left (with numbers). Figures and per-run details come from the run; the analysis text
 * records what profiling found while the suite was written (same machine, see "How the causes were found").
 */
import { writeFileSync } from 'node:fs';
import type { BenchResult, Figure, MachineInfo } from './common.js';

export interface ReportInput {
  machine: MachineInfo;
  started: Date;
  seconds: number;
  command: string;
  results: BenchResult[];
  failures: string[];
  fixtureBuild: { ms: number; fileMiB: number } | null;
}

type Details = Record<string, unknown>;
const num = (v: unknown, digits = 0): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '?');
const ms = (v: unknown): string => (Array.isArray(v) ? v.map((x) => num(x)).join(', ') : '?');
const rounds = (v: unknown): string =>
  Array.isArray(v) ? v.map((r: { rps?: number; p99?: number }) => `${num(r.rps)} / ${num(r.p99)}`).join(', ') : '?';
const get = (d: Details | undefined, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), d);

/** Why a figure misses and what was done about it; keyed by figure-name prefix. */
const MISS_NOTES: { prefix: string; note: (f: Figure, d: Details | undefined) => string }[] = [
  {
    prefix: 'ingest.history.messages_per_s',
    note: (_f, d) => `**Cause.** The storage alone cannot go that fast on this machine: the reference run (the very rows
ingestion stored, one prepared INSERT each, one transaction) reached ${num(get(d, 'usPerMessage.raw') ? 1e6 / (get(d, 'usPerMessage.raw') as number) : NaN)} rows/s
in this run. Each row carries ~650 bytes (the raw WebMessageInfo JSON is ~370 of them) and three index entries, two of them
keyed by random WhatsApp ids. Ingestion then adds, per message, the mapper (${num(get(d, 'usPerMessage.mapper'), 2)} us, of which
serialising the raw payload ${num(get(d, 'usPerMessage.rawOf'), 2)} us) and, per 2,000-message chunk, a commit (next item).
100,000 msg/s would need the whole pipeline at 10 us/message; the INSERT step alone costs more than that here.
**Done / proposed:** see the ratio below; the target is not reachable with this schema on this hardware.`,
  },
  {
    prefix: 'ingest.history_over_raw',
    note: (_f, d) => `**Cause (profile of 2 x 200,000 messages, CPU time under \`applyHistory\`).** The commit of each chunk is the largest
single cost (39 % of ingestion): a chunk of 2,000 messages with random ids dirties ~2,400 pages of the two random-order
indexes (the \`UNIQUE (session_id, chat_jid, wa_message_id)\` constraint and \`messages_wa_id\`), and every commit writes
all of them to the WAL again - 200,000 messages wrote 1.85 GB for ~130 MB of rows. The reference writes each page once.
Then the INSERT step (29 %), the mapper (15 %, raw-payload serialisation 9 %) and realtime events for edits/revokes found
in history (7 %: ~5,700 \`message.status\` events, each paying \`ulid()\` at 32 us).

**Done (store, this round):** WAL checkpoints moved to a worker thread (\`src-main/store/checkpointer.ts\`). Before, the
commit that pushed the WAL past 1,000 pages also copied it into the database and fsynced (~290 fsyncs per run, nearly every
chunk): 200,000 messages took 12.1-12.5 s; with the worker 5.5-8.2 s (24,000-36,000 msg/s, same machine, same hour);
ratio 0.27 -> ${num(get(d, 'oursMs') ? (Math.min(...(get(d, 'rawMs') as number[])) / Math.min(...(get(d, 'oursMs') as number[]))) : NaN, 2)} in this run.

**Proposed (measured, not applied):**
1. *Store, migration 002 (not applied, needs the ingest owner):* rebuild \`messages\` with \`UNIQUE (session_id, wa_message_id, chat_jid)\`
   and drop \`messages_wa_id\` - the one unique index then serves lookups by (session, id) and by (session, chat, id).
   Measured on 200,000 messages: WAL writes 1.85 GB -> 1.21-1.28 GB, CPU -15 %, wall -20 to -25 %. Not applied because it
   rebuilds the table of existing databases (~10-20 s per million messages at first start) and because
   \`... WHERE session_id = ? AND wa_message_id = ? LIMIT 1\` (ingest.ts \`existingById\`, messages.ts \`findById\`/\`raw\`)
   would then pick the row by chat order instead of pk order when one id exists in two chats: those queries need
   \`ORDER BY pk\` first. It speeds the reference as much as ingestion, so it raises msg/s, not this ratio.
2. *Applied since:* realtime event ids from a module-level \`monotonicFactory()\` instead of \`ulid()\` (src-main/gateway/realtime.ts):
   32 us -> 0.4 us per event (measured), strictly increasing ids.
3. *src-main/whatsapp/ingest.ts (ingest owner):* nothing large left in JS: the mapper is ${num(get(d, 'usPerMessage.mapper'), 1)} us/message
   of ${num(get(d, 'usPerMessage.ours'), 1)} us. The remaining gap to 0.5 is the per-chunk commit above, inherent to one
   transaction per chunk with random-id indexes.`,
  },
  {
    prefix: 'http.gateway_over_raw',
    note: (_f, d) => `**Cause.** The reference writes a prepared buffer; the gateway, per request, authenticates the key (SHA-256 + one
SQLite lookup, ~35 us), runs the Koa chain (request id, headers, error envelope, host guard, router: the gateway's
\`/healthz\`, which does none of the rest, reaches ${num(get(d, 'healthz.gateway') as number / (get(d, 'healthz.raw') as number), 2)} of a bare server in this run), checks session and chat
(2 lookups), reads 51 rows x 24 columns from SQLite, maps them and serialises ${num(get(d, 'responseBytes'))} bytes of JSON
(~75 us). Profile under autocannon: the page read was the largest item (33 % of CPU before the fix below, 20 % after), then
socket writes, \`JSON.stringify\` in Koa's respond, GC, auth.

**Done (store, this round):** \`messages.page\` reads rows as arrays and builds each row object in one literal, and no longer
reads the two columns the query already fixes (session_id, chat_jid): a 51-row page 320-380 us -> 140-160 us; list-messages
went from ~1,090 to ~1,450 req/s in the same setup.

**Applied since:** \`allowedHosts()\` is computed once per port instead of per request (create-gateway.ts).
**Not applied, and why:** (1) \`middleware/auth.ts\`: remembering \`hash(key) -> principal\` for a few seconds would save
~35 us/request but lets a key revoked from another process (\`wagw keys revoke\`) keep working for that long; (2)
\`resources/chats.ts\` \`messagePage\`: keep the serialised JSON of recent pages keyed by
(listing, cursor, limit) and valid while the connection's \`total_changes()\` and \`PRAGMA data_version\` are unchanged -
the only change that would bring a repeated page near the reference; it would make this benchmark (one page
requested over and over) unrepresentative of real use, where pages differ, so it was not done. Since the SQLite read (~140 us) alone exceeds the
reference's whole request (~${num(1e6 / Math.max(...((get(d, 'raw') as { rps: number }[] | undefined) ?? [{ rps: NaN }]).map((r) => r.rps)))} us of one core at its best round). Without a cache, 0.5 is out of reach for a
26 KB page served from SQLite through Koa on this machine.`,
  },
  {
    prefix: 'memory.history_sync',
    note: (_f, d) => `**What the growth is (measured with process.memoryUsage() per chunk, 100,000 messages).** Not a leak: it is
garbage V8 has not collected yet (heapTotal +61 MiB while heapUsed after a forced GC ends *below* its starting value),
ArrayBuffers of decoded chunks waiting for that GC (+19 MiB), SQLite's page cache filling up to its configured 32 MiB
(\`cache_size = -32000\`, database.ts) and ~8 MiB for the checkpoint worker thread (measured alone). It grows with the
number of messages only until V8's next major GC; this run: baseline ${num(get(d, 'history.baselineMiB'))} MiB, peak
${num(get(d, 'history.peakMiB'))} MiB. If memory matters more than sync speed, \`cache_size\` is the knob (-16000 saves 16 MiB).`,
  },
  {
    prefix: 'startup.serve_tsx',
    note: (_f, d) => `**What it is.** Start-up does not scan messages, so the database size plays no part. Under tsx
(${num(get(d, 'tsx.ms.median'))} ms / ${num(get(d, 'tsx.rss.median'))} MiB) the time goes to tsx itself (a loader thread that
transforms every TypeScript file and resolves every import through its hooks); the same code bundled answers in
${num(get(d, 'bundled.ms.median'))} ms with ${num(get(d, 'bundled.rss.median'))} MiB.

**Done:** the WhatsApp side (Baileys, ingestion, sandbox: src-main/gateway/whatsapp-runtime.ts) is imported only after
the HTTP server listens; clients started before it is loaded wait for it (src-main/gateway/lazy-client.ts). Importing
Baileys alone took ~240 ms of every start; under tsx the start went from 980-1,020 ms / 192 MiB to ~735 ms / 122 MiB.`,
  },
];

/** A figure that passes within 20 % of its bound: noise on another day can flip it, so it gets its note too. */
function nearMiss(f: Figure): boolean {
  if (f.ok !== true || !f.target) return false;
  const [op, raw] = f.target.split(' ');
  const bound = Number(raw);
  if (!Number.isFinite(bound) || bound === 0) return false;
  return op === '>=' || op === '>' ? f.value < bound * 1.2 : f.value > bound * 0.8;
}

function noteFor(f: Figure, results: BenchResult[]): string {
  const bench = results.find((r) => r.figures.includes(f));
  const entry = MISS_NOTES.find((n) => f.name.startsWith(n.prefix));
  return entry ? entry.note(f, bench?.details as Details | undefined) : '_No analysis recorded for this figure._';
}

const state = (f: Figure) => (f.ok === null ? 'info' : f.ok ? 'ok' : '**MISS**');

export function writeReport(file: string, input: ReportInput): void {
  const { machine, started, seconds, command, results, failures, fixtureBuild } = input;
  const figures = results.flatMap((r) => r.figures);
  const misses = figures.filter((f) => f.ok === false);
  const noted = figures.filter((f) => f.ok === false || (nearMiss(f) && MISS_NOTES.some((n) => f.name.startsWith(n.prefix))));
  const detail = (bench: string) => results.find((r) => r.bench === bench)?.details as Details | undefined;
  const lines: string[] = [];
  const p = (s = '') => lines.push(s);

  p('# Benchmarks');
  p();
  p(`Generated by \`${command}\` on ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC (${seconds} s). The figures`);
  p('are also in `docs/bench-results.json`. `npm run bench -- --quick` runs a smaller version in under two minutes and');
  p('writes `docs/bench-results.quick.json` only. Benchmarks are not part of `npm test`.');
  p();
  p('## Machine');
  p();
  p('| CPU | cores | RAM | Node | OS | load average at start (1/5/15 min) |');
  p('| --- | --- | --- | --- | --- | --- |');
  p(`| ${machine.cpuModel} | ${machine.cores} | ${machine.ramGiB} GiB | ${machine.node} | ${machine.os} | ${machine.loadAverageAtStart.join(' / ')} |`);
  p();
  p('The machine is shared with other work (other engineers\' test runs): absolute numbers move by 2x between runs.');
  p('Every target is therefore either a ratio measured side by side in the same run (alternating rounds, best round of');
  p('each) or a bound with a wide margin.');
  p();
  p('## Results');
  p();
  p('| figure | what | value | target | |');
  p('| --- | --- | ---: | --- | --- |');
  for (const f of figures) p(`| \`${f.name}\` | ${f.label} | ${f.value} ${f.unit} | ${f.target ?? '-'} | ${state(f)} |`);
  if (failures.length) {
    p();
    p(`**Benchmarks that could not run:** ${failures.join(', ')}.`);
  }
  p();
  p(`${misses.length === 0 ? 'No target missed.' : `${misses.length} target(s) missed; causes below.`}`);
  p();

  if (noted.length) {
    p('## Misses (and near misses): cause, what was done, what is left');
    p();
    const seen = new Set<string>();
    for (const f of noted) {
      const key = MISS_NOTES.find((n) => f.name.startsWith(n.prefix))?.prefix ?? f.name;
      if (seen.has(key)) continue;
      seen.add(key);
      const group = noted.filter((m) => (MISS_NOTES.find((n) => m.name.startsWith(n.prefix))?.prefix ?? m.name) === key);
      p(`### ${group.map((g) => `\`${g.name}\` = ${g.value} ${g.unit} (target ${g.target}, ${g.ok ? 'passes narrowly' : 'MISS'})`).join(', ')}`);
      p();
      p(noteFor(f, results));
      p();
    }
  }

  p('## Changes made for performance (src-main/store)');
  p();
  p('- **WAL checkpoints on a worker thread** (`src-main/store/checkpointer.ts`, started by `openStore` for file databases,');
  p('  stopped by `store.close()`; `openStore(file, { backgroundCheckpoints: false })` opts out). SQLite\'s automatic');
  p('  checkpoint ran inside whichever commit crossed 1,000 WAL pages, on the main thread, with two fsyncs. Measured on');
  p('  this machine: history sync of 200,000 messages 12.1-12.5 s -> 5.5-8.2 s; realtime p99 at 1,000 msg/s 12-87 ms ->');
  p('  1-5 ms (`ingest.handle` p99 13-16 ms -> 0.5-2 ms). The main connection keeps a 16,384-page automatic checkpoint as');
  p('  a safety net, and goes back to SQLite\'s default if the worker cannot start or dies (tested). Cost: ~8 MiB RSS for');
  p('  the worker (measured). The worker loads better-sqlite3 with `require` from an eval\'d script, so bundlers need no');
  p('  extra entry; Electron (>= 18) resolves app.asar paths in worker threads, and the fallback covers any failure -');
  p('  not exercised under Electron here (no Electron binary on this machine).');
  p('- **`messages.page` reads raw arrays** and builds each row in one object literal, without re-reading session_id and');
  p('  chat_jid: a 51-row page 320-380 us -> 140-160 us; same rows, same keys (tested against object-mode rows).');
  p();
  p('## How the causes were found');
  p();
  p('CPU profiles (`node --cpu-prof`) of each benchmark process, aggregated by self and inclusive time under the timed');
  p('function; write volume from `/proc/self/io` and fsync counts from `strace -c` for ingestion; variants run side by side');
  p('(checkpoint settings, dropped/merged indexes, object vs array rows, SQLite-built JSON - no faster than');
  p('`JSON.stringify`, 165-265 us vs 255-316 us per page); import times of each dependency measured alone for startup.');
  p();
  p('## What each benchmark does');
  p();
  const ingest = detail('ingest');
  const paging = detail('paging');
  const http = detail('http');
  const startup = detail('startup');
  const realtime = detail('realtime');
  p(`- **ingest** - ${num(get(ingest, 'messages'))} messages from the sandbox generator (content types: ${Object.entries((get(ingest, 'contentTypes') as Record<string, number>) ?? {}).slice(0, 12).map(([k, v]) => `${k} ${v}`).join(', ')}),`);
  p(`  cut into ${num(get(ingest, 'chunks'))} history chunks by the sandbox's \`planHistory\` (each encoded and decoded as a`);
  p('  HistorySync blob and run through Baileys\' `processHistoryMessage`) before timing; timed: `ingestor.applyHistory` per');
  p('  chunk, one transaction each, real mapper, real realtime hub. Reference: the stored rows re-inserted into a fresh');
  p(`  database in one transaction. Rounds (ours / raw, ms): ${ms(get(ingest, 'oursMs'))} / ${ms(get(ingest, 'rawMs'))}.`);
  p(`  Stored ${num(get(ingest, 'rows'))} rows for ${num(get(ingest, 'messages'))} messages (edits and revokes update their target`);
  p(`  instead of adding a row); skipped ${num(get(ingest, 'skipped'))}, failed ${num(get(ingest, 'failed'))}.`);
  p(`- **paging** - a database with one chat of ${num(get(paging, 'fixture.bigChatMessages'))} messages and ${num(get(paging, 'fixture.otherChats'))} other chats`);
  p(`  (${num(get(paging, 'fixture.fileMiB'))} MiB${fixtureBuild ? `, built in ${(fixtureBuild.ms / 1000).toFixed(1)} s with plain INSERTs` : ''}). The deep cursor is the (timestamp, pk) of row`);
  p(`  ${num(get(paging, 'depth'))} encoded with the gateway's cursor codec; the benchmark first checks that keyset, OFFSET and HTTP return`);
  p(`  the same rows. ${num(get(paging, 'iterations'))} alternating first/deep samples in-process and over HTTP (keep-alive, one at a time,`);
  p(`  gateway in a child process); OFFSET ${num(get(paging, 'offsetRuns'))} times.`);
  p(`- **http** - autocannon, ${num(get(http, 'connections'))} connections, ${num(get(http, 'rounds'))} alternating round(s) of ${num(get(http, 'duration'))} s after 2 s`);
  p('  warm-ups, against the gateway and a bare `node:http` server (each in its own child process) serving the same');
  p(`  ${num(get(http, 'responseBytes'))} bytes. Rounds (req/s, p99 ms): gateway ${rounds(get(http, 'gateway'))}; reference ${rounds(get(http, 'raw'))}.`);
  p(`- **startup** - \`node_modules/.bin/tsx src-main/cli/wagw.ts serve --data-dir <the paging database> --port <free>`);
  p(`  --log-level warn\`, spawn -> first 200 from /healthz (polled every 5 ms), VmRSS of the process running wagw.ts; one`);
  p(`  warm-up then ${num(get(startup, 'runs'))} runs; the same for an esbuild bundle run with plain node. History sync memory: a child`);
  p(`  process syncs ${num(get(startup, 'history.messages'))} messages (chunks decoded one at a time); baseline ${num(get(startup, 'history.baselineMiB'))} MiB after the store`);
  p(`  is open and the messages exist, peak ${num(get(startup, 'history.peakMiB'))} MiB (VmHWM since a reset; sampled from outside: ${num(get(startup, 'history.sampledPeakMiB'))} MiB),`);
  p(`  ${num(get(startup, 'history.afterMiB'))} MiB after.`);
  p(`- **realtime** - the gateway in a child process; ${num(get(realtime, 'rate'))} live \`messages.upsert\` (notify) per second for`);
  p(`  ${num(get(realtime, 'seconds'))} s after ${num(get(realtime, 'warmup'))} s of warm-up, handed to an ingestor wired like the gateway's own (same store, the`);
  p('  gateway\'s realtime hub); a WebSocket client here (ticket via `POST /api/v1/realtime/ticket` with an API key) stamps');
  p(`  each \`message\` frame. ${num(get(realtime, 'received'))} of ${num(get(realtime, 'expected'))} frames received; \`ingest.handle\` time per message: median`);
  p(`  ${num(get(realtime, 'ingestHandleMs.median'), 3)} ms, p99 ${num(get(realtime, 'ingestHandleMs.p99'), 3)} ms, max ${num(get(realtime, 'ingestHandleMs.max'), 1)} ms.`);
  const media = detail('media');
  if (media) {
    p('- **media** (test/bench/media.ts) - serving: one 10 MiB file fetched over one keep-alive connection, body read to the');
    p('  end, from a Koa app running the media route\'s send path (src-main/media/koa-send.ts) vs a bare node:http');
    p(`  \`createReadStream\` pipe; ${num(get(media, 'serve.rounds'))} alternating rounds of ${num(get(media, 'serve.perRound'))} fetches (MiB/s, ours / bare):`);
    p(`  ${ms(get(media, 'serve.oursMiBs'))} / ${ms(get(media, 'serve.bareMiBs'))}. History sync: ${num(get(media, 'history.messages'))} messages in chunks of 1,000`);
    p(`  (${num(get(media, 'history.mediaMessages'))} with media, ${num(get(media, 'history.distinct'))} distinct encrypted blobs on the sandbox CDN) stored with and without`);
    p(`  the download queue running under the worst-case policy (history media auto-downloaded); rounds (ms, with / without):`);
    p(`  ${ms(get(media, 'history.withMs'))} / ${ms(get(media, 'history.withoutMs'))}; files completed during the sync: ${ms(get(media, 'history.downloaded'))}.`);
  }
  p();
  writeFileSync(file, `${lines.join('\n')}\n`);
}
