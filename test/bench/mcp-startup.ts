/**
 * Benchmark: `wagw mcp` startup (issue 12). On the 1,000,000-message database with no gateway running (the store
 * is opened read-only), the time from spawn until the SDK's own client has `tools/list` answered over stdio
 * (initialize + initialized + tools/list), as a desktop AI client starts it: tsx from the repository, and a bundled
 * build (esbuild, dependencies external) as a packaged app would run it. Run with `npm run bench -- --only mcp-startup`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { benchArgs, figure, finish, log, repoPath, summarize, type Figure } from './common.js';
import { readFixture } from './fixture.js';

const BENCH = 'mcp-startup';
const args = benchArgs();
if (!args.fixture) throw new Error('mcp-startup needs --fixture DIR (built by run.ts)');
const meta = readFixture(args.fixture);
const runs = args.quick ? 3 : 7;

/** CPU time (user + system, all threads) a process has used so far, from /proc (100 ticks per second). */
function cpuMs(pid: number | null | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function once(command: string, argv: string[], env: Record<string, string> = {}): Promise<{ ms: number; cpuMs: number; tools: number }> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command,
    args: [...argv, 'mcp', '--data-dir', meta.dataDir],
    env: { ...(process.env as Record<string, string>), WAGW_API_KEY: '', ...env },
    stderr: 'ignore',
    cwd: repoPath(),
  });
  const client = new Client({ name: 'bench', version: '1' });
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    const ms = performance.now() - t0;
    const cpu = cpuMs(transport.pid);
    if (!tools.some((t) => t.name === 'get_chat_messages')) throw new Error('tools/list lacks get_chat_messages');
    return { ms, cpuMs: cpu, tools: tools.length };
  } finally {
    await client.close();
  }
}

async function measure(label: string, command: string, argv: string[], env: Record<string, string> = {}) {
  await once(command, argv, env); // warm-up: tsx's transform cache, the OS page cache of the database
  const samples: { ms: number; cpuMs: number }[] = [];
  for (let r = 0; r < runs; r++) samples.push(await once(command, argv, env));
  log(BENCH, `${label}: ${samples.map((s) => `${s.ms.toFixed(0)} ms (cpu ${s.cpuMs.toFixed(0)} ms)`).join(', ')}`);
  return { ms: summarize(samples.map((s) => s.ms)), cpu: summarize(samples.map((s) => s.cpuMs)), samples };
}

/**
 * What tsx costs before any of our code runs: a process that loads tsx's loader hooks, imports one tiny TypeScript
 * module through them and reports its own CPU time (process.cpuUsage counts every thread, the loader's included).
 * The MCP start under tsx is this plus ours; the bundled figures below are ours without it.
 */
function tsxBaselineCpuMs(): { cpuMs: number; ms: number } {
  const script = `import(${JSON.stringify(repoPath('src-main/core/jid.ts'))}).then(() => { const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000)); });`;
  const t0 = performance.now();
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoPath(), encoding: 'utf8' });
  return { cpuMs: Number(out.trim()), ms: performance.now() - t0 };
}
tsxBaselineCpuMs(); // warm-up (tsx's transform cache)
const tsxBaseline = Array.from({ length: runs }, () => tsxBaselineCpuMs());
const tsxBaselineCpu = summarize(tsxBaseline.map((b) => b.cpuMs));
log(BENCH, `tsx alone: ${tsxBaseline.map((b) => `${b.ms.toFixed(0)} ms (cpu ${b.cpuMs.toFixed(0)} ms)`).join(', ')}`);

const viaTsx = await measure('tsx', process.execPath, ['--import', 'tsx', repoPath('src-main/cli/wagw.ts')]);
// The command's own module without wagw.ts's static imports (the gateway: Koa, the API, jose, ws, pino), i.e. what
// `wagw mcp` costs once wagw.ts loads those only for `serve`.
const MODULE_ONLY = `const a = process.argv.slice(process.argv.indexOf('mcp') + 1);
const m = await import(${JSON.stringify(repoPath('src-main/cli/mcp.ts'))});
process.exitCode = await m.mcpCommand(a, { err: (l) => process.stderr.write(l + '\\n') });`;
const moduleOnly = await measure('tsx, cli/mcp.ts alone', process.execPath, ['--import', 'tsx', '--input-type=module', '-e', MODULE_ONLY]);

let bundled: Awaited<ReturnType<typeof measure>> | null = null;
let bundleNote = '';
try {
  const esbuild = (await import('esbuild')) as typeof import('esbuild');
  // Inside the checkout (out/ is ignored) so the external packages resolve; its own directory because the file must
  // be named wagw.mjs (wagw.ts runs main() only when invoked as wagw*).
  const outDir = repoPath('out/bench-mcp');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'wagw.mjs');
  // Code splitting keeps wagw.ts's dynamic imports (the mcp command, the WhatsApp side) lazy, as under tsx.
  await esbuild.build({
    entryPoints: { wagw: repoPath('src-main/cli/wagw.ts') },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  bundled = await measure('bundled', process.execPath, [outfile], { WAGW_MIGRATIONS_DIR: repoPath('src-main/store/migrations') });
} catch (err) {
  bundleNote = `bundled build not measured: ${(err as Error).message}`;
  log(BENCH, bundleNote);
}

const what = `wagw mcp on ${meta.bigChatMessages.toLocaleString('en')} messages, no gateway: spawn -> tools/list answered`;
const figures: Figure[] = [
  figure('mcp.startup_tsx.tools_list_ms', viaTsx.ms.median, 'ms', { op: '<=', value: 1000 }, `${what} (tsx), median of ${runs}`),
  figure('mcp.startup_tsx.cpu_ms', viaTsx.cpu.median, 'ms', { op: '<=', value: 1000 }, 'CPU time of that process until then (user + system; less sensitive to a loaded machine than wall time)'),
];
figures.push(
  figure('mcp.startup_tsx.loader_cpu_ms', tsxBaselineCpu.median, 'ms', null, `CPU time of tsx alone (loader hooks + one tiny .ts module, no MCP), median of ${runs}`),
  figure('mcp.startup_module_only_tsx.tools_list_ms', moduleOnly.ms.median, 'ms', { op: '<=', value: 1000 }, `same with cli/mcp.ts alone (no gateway modules loaded), median of ${runs}`),
);
if (bundled) {
  figures.push(
    figure('mcp.startup_bundled.tools_list_ms', bundled.ms.median, 'ms', { op: '<=', value: 1000 }, `same, bundled build (node wagw.mjs), median of ${runs}`),
    figure('mcp.startup_bundled.cpu_ms', bundled.cpu.median, 'ms', { op: '<=', value: 1000 }, 'CPU time of the bundled process until then'),
  );
}
finish(args, { bench: BENCH, figures, details: { runs, tsxBaseline: tsxBaselineCpu, tsx: viaTsx, moduleOnly, bundled, bundleNote, databaseMiB: meta.fileMiB } });
