/**
 * Where the gateway's time goes when it serves a 10 MiB media file: runs the gateway (or the bare
 * createReadStream server) as media.ts does, in a child process under `node --cpu-prof`, fetches the file N
 * times on one keep-alive connection, then prints the CPU time of each thread of the server (from /proc) and the
 * main thread's samples by function (self time). Not part of `npm run bench`: a tool for the analysis in
 * BENCHMARKS.md.
 *   node --import tsx test/bench/media-profile.ts [--server gateway|bare] [--fetches 40]
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextMessage, repoPath, spawnTs, stopChild } from './common.js';
import { FILE_BYTES, serveFixture } from './media-fixture.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** A sample counts for the first rule matched walking its stack from the leaf up. */
const RULES: [string, (url: string, fn: string) => boolean][] = [
  ['API key / auth', (u) => u.includes('auth/') || u.includes('middleware/auth')],
  ['media service + queue.resolve + store', (u) => u.includes('app/media') || u.includes('media/queue') || u.includes('repositories/')],
  ['media send path (plan, headers, open)', (u) => u.includes('media/koa-send') || u.includes('media/serve-headers') || u.includes('media/file-store') || u.includes('http-range')],
  ['router', (u) => u.includes('@koa/router') || u.includes('path-to-regexp')],
  ['koa + our middleware', (u) => /node_modules\/(koa|koa-compose|on-finished|destroy|statuses|type-is|mime|content-type|vary|encodeurl|only|delegates|accepts|fresh)\//.test(u) || u.includes('src-main/api/')],
  ['file read stream (fs)', (u) => /^node:internal\/fs\/(streams|utils)|^node:fs$/.test(u)],
  ['socket write / http', (u) => /^node:(_http|net|internal\/(stream_base|http|net))/.test(u)],
  ['streams (pipe)', (u) => /^node:internal\/streams/.test(u)],
  ['GC', (_u, f) => f === '(garbage collector)'],
  ['bare handler', (u) => u.includes('server-bare-file')],
];

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const which = arg('--server') ?? 'gateway';
const fetches = Number(arg('--fetches') ?? 40);

/** CPU ms per thread (name from /proc/<pid>/task/<tid>/comm). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100;
      out.set(`${name} (${tid})`, ms);
    } catch {
      // thread gone
    }
  }
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'wagw-media-prof-'));
const dataDir = join(work, 'gateway');
mkdirSync(dataDir);
const profDir = join(work, 'prof');
const fx = await serveFixture(dataDir);
const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', profDir];
const child =
  which === 'bare'
    ? spawnTs(repoPath('test/bench/server-bare-file.ts'), ['--file', fx.file, '--content-type', 'video/mp4'], {}, nodeArgs)
    : spawnTs(repoPath('test/bench/server-gateway.ts'), ['--data-dir', dataDir], {}, nodeArgs);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const windowUs: [number, number] = [0, Number.MAX_SAFE_INTEGER];
try {
  const { port, pid } = await nextMessage<{ port: number; pid: number }>(child, 'ready', 120_000);
  const path = which === 'bare' ? '/' : fx.path;
  const headers = which === 'bare' ? {} : { authorization: `Bearer ${fx.apiKey}` };
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => (res.statusCode === 200 && n === FILE_BYTES ? resolve(n) : reject(new Error(`${res.statusCode}, ${n} bytes`))));
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < 5; i++) await once();
  const before = threadCpu(pid);
  const t0 = performance.now();
  // Same monotonic clock as the child's profile timestamps (microseconds): only samples of this window count.
  windowUs[0] = Number(process.hrtime.bigint() / 1000n);
  for (let i = 0; i < fetches; i++) await once();
  windowUs[1] = Number(process.hrtime.bigint() / 1000n);
  const seconds = (performance.now() - t0) / 1000;
  const after = threadCpu(pid);
  console.log(`${which}: ${((fetches * FILE_BYTES) / 2 ** 20 / seconds).toFixed(0)} MiB/s over ${fetches} fetches`);
  console.log('CPU ms per file by thread:');
  for (const [name, ms] of after) {
    const d = (ms - (before.get(name) ?? 0)) / fetches;
    if (d > 0) console.log(`  ${d.toFixed(2).padStart(7)}  ${name}`);
  }
} finally {
  agent.destroy();
  await stopChild(child);
}
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
if (file) {
  const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const bucket = new Map<string, number>();
  let t = prof.startTime;
  let busy = 0;
  let idle = 0;
  prof.samples.forEach((id, i) => {
    t += prof.timeDeltas[i]!;
    if (t < windowUs[0] || t > windowUs[1]) return;
    const d = prof.timeDeltas[i]! / 1000;
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') {
      idle += d;
      return;
    }
    busy += d;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(src-main|test)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + d);
    let name = 'other (native, unattributed)';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      const rule = RULES.find(([, match]) => match(cf.url, cf.functionName));
      if (rule) {
        name = rule[0];
        break;
      }
    }
    bucket.set(name, (bucket.get(name) ?? 0) + d);
  });
  console.log(`\nmain thread in the window: busy ${(busy / fetches).toFixed(2)} ms per file, idle ${(idle / fetches).toFixed(2)} ms per file; by innermost matching frame:`);
  for (const [k, v] of [...bucket].sort((a, b) => b[1] - a[1])) console.log(`  ${(v / fetches).toFixed(3).padStart(7)} ms  ${k}`);
  console.log('top functions by self time (ms per file):');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${(v / fetches).toFixed(3).padStart(7)} ms  ${k}`);
}
rmSync(work, { recursive: true, force: true });
