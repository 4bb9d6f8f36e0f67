/**
 * Where the gateway's list-messages time goes: runs the gateway (or the bare-sqlite reference) in a child
 * process under `node --cpu-prof`, loads it with autocannon like http.ts does, stops it, and prints the CPU
 * samples of the server bucketed by the innermost frame that matches a rule (auth, page query, Koa, ...),
 * then the top functions by self time. Not part of `npm run bench`: a tool for the analysis in BENCHMARKS.md.
 *   node --import tsx test/bench/http-profile.ts --fixture DIR [--server gateway|bare] [--seconds 10]
 */
import autocannon from 'autocannon';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextMessage, repoPath, spawnTs, stopChild } from './common.js';
import { readFixture } from './fixture.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
}

/** Ordered rules: a sample counts for the first rule matched walking its stack from the leaf up. */
const RULES: [string, (f: CallFrame) => boolean][] = [
  ['api-key verification (auth/api-keys.ts)', (f) => f.url.includes('auth/api-keys.ts')],
  ['auth middleware (limiter, credential)', (f) => f.url.includes('middleware/auth.ts') || f.url.includes('auth/rate-limit.ts')],
  ['rowToMessage', (f) => f.functionName === 'rowToMessage'],
  ['page query (SQLite + row arrays)', (f) => f.url.includes('repositories/messages.ts')],
  ['cursor HMAC', (f) => f.url.includes('core/cursor.ts')],
  ['session lookup', (f) => f.url.includes('session-manager.ts') || f.url.includes('repositories/sessions.ts')],
  ['chat exists', (f) => f.url.includes('repositories/chats.ts') || f.url.includes('lid-mappings')],
  ['handler, paging helpers', (f) => f.url.includes('resources/chats.ts') || f.url.includes('api/http.ts')],
  ['host guard', (f) => f.url.includes('host-guard.ts')],
  ['error middleware', (f) => f.url.includes('middleware/errors.ts')],
  ['body reader', (f) => f.url.includes('middleware/body.ts')],
  ['koa respond (JSON.stringify + write)', (f) => f.url.includes('koa/lib/application.js') && f.functionName === 'respond'],
  ['request id + security headers', (f) => f.url.includes('api/create-api.ts')],
  ['router (@koa/router)', (f) => f.url.includes('@koa/router') || f.url.includes('path-to-regexp')],
  ['koa (context, request, response, compose)', (f) => /node_modules\/(koa|koa-compose|delegates|accepts|type-is|content-type|mime|statuses|on-finished|vary|encodeurl|escape-html|only|cookies|http-assert|http-errors|parseurl|fresh)\//.test(f.url)],
  ['bare server handler', (f) => f.url.includes('server-bare-sqlite.ts')],
  ['node http (parse, write)', (f) => /^node:(_http|http|net|stream|internal\/(http|streams|stream_base|net))/.test(f.url)],
  ['GC', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)'],
  ['program (native, unattributed)', (f) => f.functionName === '(program)'],
];

function summarise(prof: CpuProfile): void {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const short = (u: string) => u.replace(/^.*\/node_modules\//, '').replace(/^.*\/(src-main|test)\//, '$1/');
  const label = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`;
  const counts = new Map<number, number>();
  for (const id of prof.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const self = new Map<string, number>();
  const bucket = new Map<string, number>();
  const bucketSelf = new Map<string, Map<string, number>>();
  for (const [id, c] of counts) {
    const leaf = byId.get(id)!.callFrame;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + c);
    let name = 'other';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const rule = RULES.find(([, match]) => match(byId.get(cur!)!.callFrame));
      if (rule) {
        name = rule[0];
        break;
      }
    }
    bucket.set(name, (bucket.get(name) ?? 0) + c);
    const inBucket = bucketSelf.get(name) ?? new Map<string, number>();
    inBucket.set(label(leaf), (inBucket.get(label(leaf)) ?? 0) + c);
    bucketSelf.set(name, inBucket);
  }
  const busy = prof.samples.length - (bucket.get('idle') ?? 0);
  const pct = (v: number) => `${((100 * v) / busy).toFixed(1).padStart(5)} %`;
  console.log(`\nCPU samples while busy: ${busy} (idle ${bucket.get('idle') ?? 0}); share of busy time by innermost matching frame:`);
  for (const [k, v] of [...bucket].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1])) {
    console.log(`${pct(v)}  ${k}`);
    // The largest leaf functions of the bucket, so "other" and "node http" are not black boxes.
    const top = [...(bucketSelf.get(k) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 4).filter(([, n]) => n / busy >= 0.003);
    for (const [fn, n] of top) console.log(`         ${pct(n)}  ${fn}`);
  }
  console.log('\ntop functions by self time:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(v)}  ${k}`);
}

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const fixtureDir = arg('--fixture');
if (!fixtureDir) throw new Error('usage: http-profile.ts --fixture DIR [--server gateway|bare] [--seconds N]');
const which = arg('--server') ?? 'gateway';
const seconds = Number(arg('--seconds') ?? 10);
const meta = readFixture(fixtureDir);
const path = `/api/v1/sessions/${meta.sessionId}/chats/${encodeURIComponent(meta.chatJid)}/messages?limit=50`;
const profDir = mkdtempSync(join(tmpdir(), 'wagw-http-prof-'));
const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', profDir];
const child =
  which === 'bare'
    ? spawnTs(repoPath('test/bench/server-bare-sqlite.ts'), ['--db', meta.dbFile, '--session', meta.sessionId, '--chat', meta.chatJid, '--cursor-secret', meta.cursorSecret], {}, nodeArgs)
    : spawnTs(repoPath('test/bench/server-gateway.ts'), ['--data-dir', meta.dataDir], {}, nodeArgs);
try {
  const { port } = await nextMessage<{ port: number }>(child, 'ready', 120_000);
  const url = `http://127.0.0.1:${port}${path}`;
  const headers = { 'x-api-key': meta.apiKey };
  await autocannon({ url, connections: 50, duration: 2, headers });
  const r = await autocannon({ url, connections: 50, duration: seconds, headers });
  if (r.non2xx || r.errors) throw new Error(`${r.non2xx} non-2xx, ${r.errors} errors`);
  console.log(`${which}: ${r.requests.average} req/s over ${seconds} s (${r.requests.total} requests)`);
} finally {
  await stopChild(child);
}
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile in ${profDir}`);
summarise(JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile);
rmSync(profDir, { recursive: true, force: true });
