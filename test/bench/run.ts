/**
 * `npm run bench` [-- --quick] [-- --only ingest,paging,http,startup,realtime,search,webhooks,media,export,mcp-startup] [-- --report-only]
 *
 * Builds the shared 1,000,000-message database once (a temp dir; WAGW_BENCH_FIXTURE_DIR keeps and reuses
 * one between runs), runs each benchmark in its own Node process, prints one line per figure
 * (`<name>: <value> <unit> (target <target>) <ok|MISS|info>`), and writes:
 *   full run:  docs/bench-results.json and docs/BENCHMARKS.md (the committed report)
 *   --quick:   docs/bench-results.quick.json only (smaller sizes, under two minutes; never the committed docs)
 * `--report-only` re-renders docs/BENCHMARKS.md from the last full run's saved results (no measuring).
 * A MISS is a result, not a failure: the exit code is non-zero only when a benchmark could not run.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  formatFigure,
  machineInfo,
  repoPath,
  spawnTs,
  waitForExit,
  type BenchResult,
  type Figure,
} from './common.js';
import { ensureFixture, FULL_FIXTURE } from './fixture.js';
import { writeReport } from './report.js';

const BENCHES = ['ingest', 'paging', 'http', 'startup', 'realtime', 'search', 'webhooks', 'media', 'export', 'mcp-startup'] as const;
type BenchName = (typeof BENCHES)[number];
const NEEDS_FIXTURE: ReadonlySet<BenchName> = new Set(['paging', 'http', 'startup', 'mcp-startup']);

const argv = process.argv.slice(2);
/** The last full run's raw results, so the report can be re-rendered (`--report-only`) without re-measuring. */
const LAST_RUN = repoPath('node_modules/.cache/wagw-bench/last-run.json');
if (argv.includes('--report-only')) {
  const last = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as Parameters<typeof writeReport>[1] & { started: string };
  writeReport(repoPath('docs/BENCHMARKS.md'), { ...last, started: new Date(last.started) });
  console.log(`docs/BENCHMARKS.md re-rendered from ${LAST_RUN}`);
  process.exit(0);
}
const quick = argv.includes('--quick');
const onlyArg = argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((argv[onlyArg + 1] ?? '').split(',')) : null;
const selected = BENCHES.filter((b) => !only || only.has(b));
const command = `npm run bench${quick ? ' -- --quick' : ''}${only ? ` ${quick ? '' : '-- '}--only ${[...only].join(',')}` : ''}`;

const machine = machineInfo();
const started = new Date();
const t0 = performance.now();
console.log(`${command}: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}`);

const keepFixture = process.env.WAGW_BENCH_FIXTURE_DIR;
const fixtureDir = keepFixture ?? mkdtempSync(join(tmpdir(), 'wagw-bench-fixture-'));
const scratch = mkdtempSync(join(tmpdir(), 'wagw-bench-out-'));
const results: BenchResult[] = [];
const failures: string[] = [];
let fixtureBuild: { ms: number; fileMiB: number } | null = null;

try {
  if (selected.some((b) => NEEDS_FIXTURE.has(b))) {
    // Quick runs use the full-size database too: OFFSET's cost and startup on a big file only show at full size.
    const meta = ensureFixture(fixtureDir, FULL_FIXTURE, (m) => process.stderr.write(`[fixture] ${m}\n`));
    fixtureBuild = { ms: meta.buildMs, fileMiB: meta.fileMiB };
  }
  for (const bench of selected) {
    const out = join(scratch, `${bench}.json`);
    const benchArgv = ['--out', out, ...(quick ? ['--quick'] : []), ...(NEEDS_FIXTURE.has(bench) ? ['--fixture', fixtureDir] : [])];
    const tb = performance.now();
    process.stderr.write(`\n=== ${bench}\n`);
    // Ingestion holds 200,000 decoded messages and their rows at once: give it heap room.
    const child = spawnTs(repoPath(`test/bench/${bench}.ts`), benchArgv, { stdio: ['ignore', 'inherit', 'inherit'] }, ['--max-old-space-size=6144']);
    const code = await waitForExit(child, 30 * 60_000);
    if (code !== 0 || !existsSync(out)) {
      failures.push(`${bench} (exit ${code})`);
      process.stderr.write(`[${bench}] FAILED (exit ${code})\n`);
      continue;
    }
    const result = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
    result.details = { ...result.details, benchSeconds: Math.round((performance.now() - tb) / 100) / 10 };
    results.push(result);
    for (const f of result.figures) process.stderr.write(`[${bench}] ${formatFigure(f)}\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  if (!keepFixture) rmSync(fixtureDir, { recursive: true, force: true });
}

const figures: Figure[] = results.flatMap((r) => r.figures);
console.log('');
for (const f of figures) console.log(formatFigure(f));
const json = Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit, target: f.target, ok: f.ok }]));
const seconds = Math.round((performance.now() - t0) / 1000);
if (quick || only) {
  writeFileSync(repoPath('docs/bench-results.quick.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\n${quick ? 'quick' : 'partial'} run in ${seconds} s; figures written to docs/bench-results.quick.json (the committed docs hold a full run)`);
} else {
  writeFileSync(repoPath('docs/bench-results.json'), `${JSON.stringify(json, null, 2)}\n`);
  const input = { machine, started, seconds, command, results, failures, fixtureBuild };
  writeReport(repoPath('docs/BENCHMARKS.md'), input);
  mkdirSync(dirname(LAST_RUN), { recursive: true });
  writeFileSync(LAST_RUN, JSON.stringify(input));
  console.log(`\nfull run in ${seconds} s; docs/bench-results.json and docs/BENCHMARKS.md written`);
}
if (failures.length) {
  console.error(`benchmarks that could not run: ${failures.join(', ')}`);
  process.exitCode = 1;
}
