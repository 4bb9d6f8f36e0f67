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
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
}

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
  for (let i = 0; i < fetches; i++) await once();
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
  const byId = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  for (const id of prof.samples) {
    const f = byId.get(id)!;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/(src-main|test)\//, '$1/')}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const total = prof.samples.length;
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((n, [, v]) => n + v, 0);
  console.log(`\nmain thread samples: ${total} (idle ${idle}); top functions by self time, share of busy samples:`);
  for (const [k, v] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * v) / (total - idle)).toFixed(1).padStart(6)} %  ${k}`);
  }
}
rmSync(work, { recursive: true, force: true });
