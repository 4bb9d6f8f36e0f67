/**
 * Benchmark 4, startup and memory.
 *
 * (a) `wagw serve` on the 1,000,000-message database, as a person runs it from the repository
 *     (node_modules/.bin/tsx src-main/cli/wagw.ts serve ...): time from spawn until GET /healthz answers 200,
 *     and the resident memory (VmRSS) of the server process at that moment - the node process that runs
 *     wagw.ts, not tsx's wrapper. tsx compiles the TypeScript at every start, so the same is measured for a
 *     bundled build (esbuild, dependencies external, as a packaged app would run it).
 * (b) A history sync of 100,000 messages in a child process: peak RSS growth over the baseline taken after
 *     the store is open and the messages exist (VmHWM since a reset, cross-checked by sampling /proc here).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchArgs,
  childPids,
  commandLine,
  figure,
  finish,
  freePort,
  httpGet,
  log,
  nextMessage,
  repoPath,
  rssMiB,
  sleep,
  spawnTs,
  stopChild,
  summarize,
  waitForExit,
  type Figure,
} from './common.js';
import { readFixture } from './fixture.js';

const BENCH = 'startup';
const args = benchArgs();
if (!args.fixture) throw new Error('startup needs --fixture DIR (built by run.ts)');
const meta = readFixture(args.fixture);
const runs = args.quick ? 1 : 3;
const historyMessages = args.quick ? 20_000 : 100_000;

/** The process that runs the gateway: the deepest descendant of `pid` whose command line names the entry. */
function serverPid(rootPid: number, entry: string): number {
  let found = commandLine(rootPid).includes(entry) ? rootPid : -1;
  const walk = (pid: number) => {
    for (const c of childPids(pid)) {
      if (commandLine(c).includes(entry)) found = c;
      walk(c);
    }
  };
  walk(rootPid);
  return found;
}

interface StartSample {
  ms: number;
  rssMiB: number;
  pid: number;
}

async function startOnce(command: string, argv: string[], entry: string, env: NodeJS.ProcessEnv = {}): Promise<StartSample> {
  const port = await freePort();
  const fullArgs = [...argv, 'serve', '--data-dir', meta.dataDir, '--port', String(port), '--log-level', 'warn'];
  const t0 = performance.now();
  const child: ChildProcess = spawn(command, fullArgs, { cwd: repoPath(), stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode} before /healthz answered`);
      try {
        const res = await httpGet(`http://127.0.0.1:${port}/healthz`, {}, false);
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 60_000) throw new Error('no /healthz within 60 s');
      await sleep(5);
    }
    const ms = performance.now() - t0;
    const pid = serverPid(child.pid!, entry);
    if (pid < 0) throw new Error(`no process running ${entry} under ${child.pid}`);
    return { ms, rssMiB: rssMiB(pid), pid };
  } finally {
    child.kill('SIGTERM');
    await waitForExit(child, 20_000);
  }
}

async function measure(label: string, command: string, argv: string[], entry: string, env: NodeJS.ProcessEnv = {}) {
  await startOnce(command, argv, entry, env); // warm-up: tsx's transform cache, the OS page cache of the database
  const samples: StartSample[] = [];
  for (let r = 0; r < runs; r++) samples.push(await startOnce(command, argv, entry, env));
  const ms = summarize(samples.map((s) => s.ms));
  const rss = summarize(samples.map((s) => s.rssMiB));
  log(BENCH, `${label}: ${samples.map((s) => `${s.ms.toFixed(0)} ms / ${s.rssMiB.toFixed(0)} MiB`).join(', ')}`);
  return { ms, rss, samples };
}

// ---- (a) serve --------------------------------------------------------------------------------------------
const tsxBin = repoPath('node_modules/.bin/tsx');
const viaTsx = await measure('tsx', tsxBin, [repoPath('src-main/cli/wagw.ts')], 'wagw.ts');

let bundled: Awaited<ReturnType<typeof measure>> | null = null;
let bundleNote = '';
try {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  const outDir = repoPath('node_modules/.cache/wagw-bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'wagw.mjs');
  await esbuild.build({
    entryPoints: [repoPath('src-main/cli/wagw.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  bundled = await measure('bundled', process.execPath, [outfile], 'wagw.mjs', {
    WAGW_MIGRATIONS_DIR: repoPath('src-main/store/migrations'),
  });
} catch (err) {
  bundleNote = `bundled build not measured: ${(err as Error).message}`;
  log(BENCH, bundleNote);
}

// ---- (b) history sync RSS ---------------------------------------------------------------------------------
const child = spawnTs(repoPath('test/bench/history-rss.ts'), ['--messages', String(historyMessages)], {}, ['--expose-gc']);
let history: { baselineMiB: number; peakMiB: number; afterMiB: number; ms: number; inserted: number; sampledPeakMiB: number };
try {
  const { rssMiB: baseline } = await nextMessage<{ rssMiB: number }>(child, 'baseline', 600_000);
  let sampledPeak = baseline;
  const sampler = setInterval(() => {
    const v = rssMiB(child.pid!);
    if (v > sampledPeak) sampledPeak = v;
  }, 10);
  const done = nextMessage<{ baselineMiB: number; peakMiB: number; afterMiB: number; ms: number; inserted: number }>(child, 'done', 600_000);
  child.send({ type: 'go' });
  const r = await done;
  clearInterval(sampler);
  history = { ...r, sampledPeakMiB: sampledPeak };
  log(BENCH, `history ${historyMessages}: baseline ${r.baselineMiB.toFixed(0)} MiB, peak ${r.peakMiB.toFixed(0)} MiB (sampled ${sampledPeak.toFixed(0)}), after ${r.afterMiB.toFixed(0)} MiB, ${(r.ms / 1000).toFixed(1)} s`);
} finally {
  await stopChild(child);
}
const growth = Math.max(history.peakMiB, history.sampledPeakMiB) - history.baselineMiB;

const figures: Figure[] = [
  figure('startup.serve_tsx.healthz_ms', viaTsx.ms.median, 'ms', { op: '<=', value: 1000 }, `wagw serve (tsx) on ${meta.bigChatMessages.toLocaleString('en')} messages: spawn -> /healthz 200, median of ${runs}`),
  figure('startup.serve_tsx.rss', viaTsx.rss.median, 'MiB', { op: '<=', value: 200 }, 'RSS of the server process at that moment'),
];
if (bundled) {
  figures.push(
    figure('startup.serve_bundled.healthz_ms', bundled.ms.median, 'ms', { op: '<=', value: 1000 }, `same, bundled build (node wagw.mjs), median of ${runs}`),
    figure('startup.serve_bundled.rss', bundled.rss.median, 'MiB', { op: '<=', value: 200 }, 'RSS of the bundled server at that moment'),
  );
}
figures.push(
  figure('memory.history_sync.peak_rss_growth', growth, 'MiB', { op: '<=', value: 150 }, `history sync of ${historyMessages.toLocaleString('en')} messages, peak RSS over baseline`),
);

finish(args, {
  bench: BENCH,
  figures,
  details: {
    runs,
    tsx: viaTsx,
    bundled,
    bundleNote,
    history: { messages: historyMessages, ...history, growthMiB: growth },
    databaseMiB: meta.fileMiB,
  },
});
