/**
 * wagw export --chat JID --format html --out FILE [--media] [--session ID] [--data-dir DIR] [--quiet]
 *
 * Reads the data dir directly (gateway/local-export.ts): the same service and writers as
 * GET /sessions/{session}/chats/{cid}/export. The file is written next to its target and renamed into place
 * when complete, so a failed export never leaves a truncated FILE. Progress goes to stderr: a bar on a TTY,
 * a percentage line per 10 % otherwise, nothing with --quiet.
 */
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { openLocalExport } from '../../gateway/local-export.js';
import { parse, resolveDataDir, UsageError, type CliIo } from '../shared.js';

const EXPORT_OPTIONS = {
  chat: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  media: { type: 'boolean' },
  session: { type: 'string' },
  'data-dir': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Where progress goes: the real stderr (isTTY decides the style) unless a test passes its own. */
export interface ProgressOut {
  isTTY: boolean;
  write(s: string): void;
}

export function progressReporter(out: ProgressOut | null): { update(written: number, total: number): void; done(): void } {
  if (!out) return { update: () => undefined, done: () => undefined };
  let lastStep = -1;
  return {
    update(written, total) {
      const ratio = total > 0 ? Math.min(1, written / total) : 1;
      const pct = Math.floor(ratio * 100);
      if (out.isTTY) {
        const width = 30;
        const filled = Math.round(ratio * width);
        out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}%  ${written}/${total} messages`);
        return;
      }
      const step = Math.floor(pct / 10);
      if (step > lastStep) {
        lastStep = step;
        out.write(`export: ${pct}% (${written}/${total} messages)\n`);
      }
    },
    done() {
      if (out.isTTY) out.write('\n');
    },
  };
}

export async function exportChat(args: string[], io: CliIo, progressOut: ProgressOut | null = process.stderr): Promise<number> {
  const { values, positionals } = parse(args, EXPORT_OPTIONS);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.chat) throw new UsageError('--chat JID is required');
  if (!values.out) throw new UsageError('--out FILE is required');
  const format = values.format ?? 'json';
  if (!['json', 'html', 'txt', 'csv'].includes(format)) throw new UsageError(`--format must be json, html, txt or csv, got '${format}'`);
  const local = openLocalExport(resolveDataDir(values['data-dir']));
  try {
    let sessionId = values.session;
    if (!sessionId) {
      const all = local.sessions();
      if (all.length !== 1) {
        const ids = all.map((s) => `${s.id} (${s.label ?? s.phoneNumber ?? 'no label'})`).join(', ');
        throw new UsageError(all.length ? `several sessions: pick one with --session (${ids})` : 'the data dir has no session');
      }
      sessionId = all[0]!.id;
    }
    const job = local.exportChat(sessionId, values.chat, { format, media: values.media ? 'include' : 'omit' });
    const target = resolve(values.out);
    const temp = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
    const progress = progressReporter(values.quiet ? null : progressOut);
    try {
      await job.write(createWriteStream(temp, { mode: 0o600 }), (w, t) => progress.update(w, t));
      progress.done();
      renameSync(temp, target);
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
    if (!values.quiet) io.out(`Exported ${job.messages} messages to ${target}${values.media ? ' (zip with media/)' : ''}`);
    return 0;
  } finally {
    local.close();
  }
}
