/**
 * Benchmark, chat export (issue 10): one chat of 100,000 messages exported in every format, and as a zip,
 * through the same path as `wagw export` (gateway/local-export.ts: the export service over the data dir),
 * into a file. Figures: peak RSS growth over the baseline taken just before each export (target < 100 MiB:
 * the export streams, so memory must not grow with the chat), and messages/s (info).
 *
 * RSS is sampled every 2 ms while the export runs (process.memoryUsage().rss) and the kernel's peak (VmHWM,
 * reset before each export) is read after it, so a spike between two samples still counts; the figure is
 * the larger of the two, minus the baseline.
 *
 * Run alone: `node --expose-gc --import tsx test/bench/export.ts [--quick] [--out result.json]`.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import type { MessageRecord } from '../../src-main/core/types.js';
import { openDataDir } from '../../src-main/gateway/data-dir.js';
import { openLocalExport } from '../../src-main/gateway/local-export.js';
import { benchArgs, figure, finish, log, peakRssMiB, resetPeakRss, type Figure } from './common.js';

const BENCH = 'export';
const args = benchArgs();
const MESSAGES = 100_000; // the acceptance size; it builds in seconds, so --quick keeps it
const GROUP = '120363000000000001@g.us';
const LIMIT_MIB = 100;

const dir = mkdtempSync(join(tmpdir(), 'wagw-bench-export-'));
const MiB = 1024 * 1024;

function record(i: number): MessageRecord {
  const sender = i % 7;
  const body =
    i % 11 === 0
      ? `Line one of message ${i}\nline two with a link https://example.com/${i}\nand <b>markup</b> & "quotes"`
      : `Message number ${i}: ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 5))}`;
  return {
    waMessageId: `BENCH${i.toString(36).toUpperCase().padStart(8, '0')}`,
    chatJid: GROUP,
    fromMe: sender === 0,
    senderJid: sender === 0 ? null : `62811111111${sender}@s.whatsapp.net`,
    senderLid: null,
    senderName: sender === 0 ? null : `Person ${sender}`,
    type: 'text',
    body,
    media: null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: i % 13 === 0 && i > 0 ? `BENCH${(i - 1).toString(36).toUpperCase().padStart(8, '0')}` : null,
    timestamp: 1_700_000_000_000 + i * 45_000,
    ackLevel: 3,
    error: null,
    edited: false,
    deleted: false,
    placeholder: false,
    raw: null,
  };
}

// ---- the archive: one organization, one session, one group of MESSAGES messages ----
const t0 = performance.now();
{
  const store = openDataDir(dir, null);
  const org = store.organizations.ensureDefault(ulid);
  store.sessions.create({
    id: 'sess_bench_export',
    organizationId: org.id,
    label: 'bench',
    sandbox: false,
    sandboxSeed: null,
    fullHistory: true,
    autoRead: false,
    presenceTyping: false,
    now: 1,
  });
  store.chats.ensure('sess_bench_export', GROUP, 'group', 'Bench group');
  for (let i = 0; i < MESSAGES; i += 5000) {
    store.messages.insertMany('sess_bench_export', Array.from({ length: Math.min(5000, MESSAGES - i) }, (_, k) => record(i + k)), 1);
  }
  store.close();
}
log(BENCH, `archive of ${MESSAGES} messages built in ${Math.round(performance.now() - t0)} ms`);

const gc = (globalThis as { gc?: () => void }).gc;
const local = openLocalExport(dir);
const figures: Figure[] = [];
const details: Record<string, unknown> = { messages: MESSAGES, gcExposed: Boolean(gc) };

const runs = [
  { name: 'json', format: 'json', media: 'omit' },
  { name: 'html', format: 'html', media: 'omit' },
  { name: 'txt', format: 'txt', media: 'omit' },
  { name: 'csv', format: 'csv', media: 'omit' },
  { name: 'zip', format: 'html', media: 'include' },
] as const;

for (const run of runs) {
  gc?.();
  gc?.();
  await new Promise((r) => setTimeout(r, 100));
  const baseline = process.memoryUsage().rss;
  const kernelPeakReset = resetPeakRss();
  let sampled = baseline;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 2);
  const file = join(dir, `export-${run.name}`);
  const start = performance.now();
  const job = local.exportChat('sess_bench_export', GROUP, { format: run.format, media: run.media });
  await job.write(createWriteStream(file));
  const ms = performance.now() - start;
  clearInterval(timer);
  sampled = Math.max(sampled, process.memoryUsage().rss);
  const kernelPeak = kernelPeakReset ? peakRssMiB(process.pid) * MiB : NaN;
  const peak = Number.isFinite(kernelPeak) ? Math.max(sampled, kernelPeak) : sampled;
  const growthMiB = (peak - baseline) / MiB;
  const sizeMiB = statSync(file).size / MiB;
  rmSync(file);
  log(BENCH, `${run.name}: ${job.messages} messages, ${sizeMiB.toFixed(1)} MiB in ${Math.round(ms)} ms; peak RSS growth ${growthMiB.toFixed(1)} MiB (baseline ${(baseline / MiB).toFixed(0)} MiB)`);
  figures.push(figure(`export.${run.name}.peak_rss_growth_mib`, growthMiB, 'MiB', { op: '<', value: LIMIT_MIB }, `peak RSS growth, ${MESSAGES / 1000}k-message chat as ${run.name}`));
  figures.push(figure(`export.${run.name}.messages_per_s`, (job.messages / ms) * 1000, 'msg/s', null, `export throughput, ${run.name}`));
  details[run.name] = { ms: Math.round(ms), fileMiB: Math.round(sizeMiB * 10) / 10, baselineMiB: Math.round(baseline / MiB), growthMiB: Math.round(growthMiB * 10) / 10 };
}

local.close();
rmSync(dir, { recursive: true, force: true });
finish(args, { bench: BENCH, figures, details });
