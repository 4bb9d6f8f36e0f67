/**
 * Scheduled backups for a long-running `wagw serve`: every N minutes a backup archive into a directory,
 * keeping the newest K (older ones deleted). One backup at a time; failures are logged, never fatal.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createBackup } from './archive.js';

export interface BackupSchedule {
  dir: string;
  everyMinutes: number;
  keep: number;
}

const NAME = /^wagw-backup-\d{8}T\d{6}Z\.tar\.gz$/;

export function backupFileName(at: number): string {
  return `wagw-backup-${new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}.tar.gz`;
}

/** Deletes the oldest scheduled backups beyond `keep` (only files named like ours). */
export function pruneBackups(dir: string, keep: number): string[] {
  const files = readdirSync(dir).filter((f) => NAME.test(f)).sort();
  const gone = files.slice(0, Math.max(0, files.length - keep));
  for (const f of gone) rmSync(join(dir, f), { force: true });
  return gone;
}

export function startBackupSchedule(
  schedule: BackupSchedule,
  opts: { dataDir: string; logger: Logger; nativeBinding?: string | undefined; now?: () => number },
): { stop(): void; runNow(): Promise<void> } {
  const now = opts.now ?? Date.now;
  let running: Promise<void> | null = null;
  const runNow = () =>
    (running ??= (async () => {
      const out = join(schedule.dir, backupFileName(now()));
      try {
        const m = await createBackup({ dataDir: opts.dataDir, out, nativeBinding: opts.nativeBinding });
        const pruned = pruneBackups(schedule.dir, schedule.keep);
        opts.logger.info({ backup: out, files: m.files.length, messages: m.counts.messages, pruned }, 'scheduled backup written');
      } catch (err) {
        opts.logger.error({ err, backup: out }, 'scheduled backup failed');
      } finally {
        running = null;
      }
    })());
  const timer = setInterval(() => void runNow(), schedule.everyMinutes * 60_000);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    runNow,
  };
}
