/**
 * Shared plumbing of the benchmark suite (`npm run bench`): figures and targets, statistics, child
 * processes, ports, RSS from /proc. Every benchmark file is runnable on its own
 * (`node --import tsx test/bench/<name>.ts --out result.json [--quick] [--fixture DIR]`); run.ts runs them
 * one after another, each in its own process, so one benchmark's heap and JIT state never colour another's.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { createServer } from 'node:net';
import { cpus, totalmem, release, platform, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(BENCH_DIR, '..', '..');

/** A comparison a figure must pass; `info` figures are context (e.g. the raw reference) with no target. */
export type Target = { op: '>=' | '<=' | '<' | '>'; value: number } | null;

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. ">= 100000", or null for reference figures. */
  target: string | null;
  /** true/false against the target; null for reference figures. */
  ok: boolean | null;
  /** What the figure is, in a few words (shown in the report table). */
  label: string;
}

export function figure(name: string, value: number, unit: string, target: Target, label: string): Figure {
  let ok: boolean | null = null;
  if (target) {
    const v = value;
    ok =
      Number.isFinite(v) &&
      (target.op === '>=' ? v >= target.value : target.op === '<=' ? v <= target.value : target.op === '<' ? v < target.value : v > target.value);
  }
  return { name, value: round(value), unit, target: target ? `${target.op} ${target.value}` : null, ok, label };
}

/** Three significant digits for small numbers, integers for large ones: the noise is bigger than that anyway. */
export function round(v: number): number {
  if (!Number.isFinite(v)) return v;
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v);
  if (a >= 100) return Math.round(v * 10) / 10;
  if (a >= 1) return Math.round(v * 100) / 100;
  return Number(v.toPrecision(3));
}

export function formatFigure(f: Figure): string {
  const state = f.ok === null ? 'info' : f.ok ? 'ok' : 'MISS';
  return `${f.name}: ${f.value} ${f.unit} (target ${f.target ?? 'none'}) ${state}`;
}

/** What a benchmark process writes to --out. */
export interface BenchResult {
  bench: string;
  figures: Figure[];
  /** Extra measurements for the report (splits, sample counts, notes). */
  details: Record<string, unknown>;
}

export interface BenchArgs {
  quick: boolean;
  out: string | null;
  fixture: string | null;
}

export function benchArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : null;
  };
  return { quick: argv.includes('--quick'), out: get('--out'), fixture: get('--fixture') };
}

/** Writes the result for run.ts (which prints the figures), or prints them when the benchmark runs alone. */
export function finish(args: BenchArgs, result: BenchResult): void {
  if (args.out) writeFileSync(args.out, JSON.stringify(result, null, 2));
  else for (const f of result.figures) console.log(formatFigure(f));
}

export function log(bench: string, message: string): void {
  process.stderr.write(`[${bench}] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// Statistics

export interface Summary {
  n: number;
  min: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    min: s[0] ?? NaN,
    median: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
  };
}

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export const nowMs = (): number => performance.now();

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine
 * (both sides derive it from the same system clock at their start): used to stamp realtime latency.
 */
export const wallMs = (): number => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------------------
// Machine

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Processes and memory

/** Resident set size of a process in MiB (VmRSS from /proc), or NaN when it is gone. */
export function rssMiB(pid: number): number {
  return procStatusKiB(pid, 'VmRSS') / 1024;
}

/** Peak resident set size (VmHWM) in MiB. */
export function peakRssMiB(pid: number): number {
  return procStatusKiB(pid, 'VmHWM') / 1024;
}

function procStatusKiB(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Resets the kernel's peak-RSS counter of a process (Linux: "5" into clear_refs), so VmHWM measures from now. */
export function resetPeakRss(pid: number = process.pid): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Direct children of a process (Linux /proc/<pid>/task/<pid>/children). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** A TypeScript file of this repository in a child Node process (tsx loader), with an IPC channel. */
export function spawnTs(file: string, args: string[] = [], options: SpawnOptions = {}, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', file, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...options,
  });
}

/** The next message of a given type from a child's IPC channel. */
export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child did not send '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: unknown) => {
      if (m && typeof m === 'object' && (m as { type?: unknown }).type === type) {
        cleanup();
        resolvePromise(m as T);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`child exited (${code ?? signal}) before sending '${type}'`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export function waitForExit(child: ChildProcess, timeoutMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
  });
}

/** Stops a child we started (by its own pid, never by name) and waits for it. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await waitForExit(child);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// HTTP

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One keep-alive agent per process, so latency samples measure the server, not TCP handshakes. */
export const keepAliveAgent = new Agent({ keepAlive: true, maxSockets: 1 });

export function httpGet(
  url: string,
  headers: Record<string, string> = {},
  agent: Agent | false = keepAliveAgent,
  method = 'GET',
): Promise<HttpResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function repoPath(...parts: string[]): string {
  return join(REPO_ROOT, ...parts);
}
