/**
 * Backup and restore: `wagw backup` while the gateway runs with live sandbox traffic, `wagw restore` into a new
 * data dir (integrity, counts at the backup point, media hashes), and the refusals (truncated or damaged
 * archive, newer schema, non-empty target without --force).
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive, type BackupManifest } from '../../src-main/backup/archive.js';
import { backupFileName, pruneBackups, startBackupSchedule } from '../../src-main/backup/schedule.js';
import { main } from '../../src-main/cli/wagw.js';
import { defaultConfig } from '../../src-main/gateway/config.js';
import { createGateway } from '../../src-main/gateway/create-gateway.js';

const root = mkdtempSync(join(tmpdir(), 'wagw-backup-test-'));
const dataDir = join(root, 'live');
const archive = join(root, 'out', 'backup.tar.gz');
let gateway: ReturnType<typeof createGateway>;
let before = 0;
let after = 0;

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function mediaCount(): number {
  return (gateway.running()!.store.db.prepare('SELECT COUNT(*) AS n FROM media_files').get() as { n: number }).n;
}

function messageCount(): number {
  return (gateway.running()!.store.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
}

async function waitFor(what: string, probe: () => boolean, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function manifestOf(file: string): Promise<BackupManifest> {
  const into = join(mkdtempSync(join(root, 'verify-')), 'x');
  return (await verifyArchive(file, into)).manifest;
}

beforeAll(async () => {
  gateway = createGateway(
    defaultConfig({ dataDir, port: 0, logLevel: 'silent', sandbox: { ensureSession: true, seed: 3, ratePerMinute: 3000 } }),
    { logger: pino({ level: 'silent' }) },
  );
  await gateway.start();
  // Something under media/ the database does not record (a stray file, a download cut short): not backed up.
  mkdirSync(join(dataDir, 'media', 'ab'), { recursive: true });
  writeFileSync(join(dataDir, 'media', 'ab', 'ab'.padEnd(64, '0')), randomBytes(1000));
  writeFileSync(join(dataDir, 'media', 'ab', '.partial-0123456789abcdef'), randomBytes(1000));
  // History synced and live messages arriving.
  await waitFor('stored messages', () => messageCount() > 100);
  const first = messageCount();
  await waitFor('live sandbox traffic', () => messageCount() > first);
  // Media the gateway downloaded on receipt (sandbox photos, voice notes... through the real download path).
  await waitFor('downloaded media', () => mediaCount() >= 3);
}, 180_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('wagw backup / restore', () => {
  it('backs up a running gateway during live traffic and restores it into a new data dir', async () => {
    before = messageCount();
    const b = await run(['backup', '--data-dir', dataDir, '--out', archive]);
    after = messageCount();
    expect(b.err).toEqual([]);
    expect(b.code).toBe(0);
    expect(b.out[0]).toMatch(/Backup written to .* and \d+ media files/);
    expect(existsSync(`${archive}.partial`)).toBe(false);

    const target = join(root, 'restored');
    const r = await run(['restore', archive, '--data-dir', target]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const manifest = await manifestOf(archive);

    const db = new Database(join(target, 'gateway.db'), { readonly: true });
    let recorded: string[];
    try {
      recorded = db.prepare('SELECT sha256 FROM media_files ORDER BY sha256').pluck().all() as string[];
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const restored = (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
      // The snapshot is one instant between the two counts, and the manifest recorded exactly it.
      expect(restored).toBe(manifest.counts.messages);
      expect(restored).toBeGreaterThanOrEqual(before);
      expect(restored).toBeLessThanOrEqual(after);
      const chats = (db.prepare('SELECT COUNT(*) AS n FROM chats').get() as { n: number }).n;
      expect(chats).toBe(manifest.counts.chats);
    } finally {
      db.close();
    }
    // Every file's hash matches the manifest, and the media files are the originals.
    for (const f of manifest.files) {
      const data = readFileSync(join(target, f.path));
      expect(createHash('sha256').update(data).digest('hex'), f.path).toBe(f.sha256);
    }
    // The media are exactly the files the snapshot records (not the stray ones), each the original bytes.
    expect(recorded.length).toBeGreaterThanOrEqual(3);
    expect(manifest.missingMedia).toBe(0);
    const paths = recorded.map((sha) => `media/${sha.slice(0, 2)}/${sha}`);
    expect(manifest.files.filter((f) => f.path.startsWith('media/')).map((f) => f.path)).toEqual(paths);
    for (const path of paths) {
      expect(createHash('sha256').update(readFileSync(join(target, path))).digest('hex')).toBe(path.split('/')[2]);
      expect(readFileSync(join(target, path)).equals(readFileSync(join(dataDir, path)))).toBe(true);
    }
    expect(existsSync(join(target, 'media', 'ab', 'ab'.padEnd(64, '0')))).toBe(false);
    expect(existsSync(join(target, 'media', 'ab', '.partial-0123456789abcdef'))).toBe(false);
    expect(existsSync(join(target, 'manifest.json'))).toBe(false);
    // The restored data dir opens as a gateway.
    const restoredGw = createGateway(defaultConfig({ dataDir: target, port: 0, logLevel: 'silent' }), { logger: pino({ level: 'silent' }) });
    await restoredGw.start();
    await restoredGw.stop();
  }, 120_000);

  it('refuses a truncated or damaged archive and leaves the target alone', async () => {
    const bytes = readFileSync(archive);
    const truncated = join(root, 'truncated.tar.gz');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const t = await run(['restore', truncated, '--data-dir', join(root, 'from-truncated')]);
    expect(t.code).toBe(1);
    expect(t.err[0]).toMatch(/truncated|damaged/);
    expect(existsSync(join(root, 'from-truncated'))).toBe(false);

    const damaged = join(root, 'damaged.tar.gz');
    const copy = Buffer.from(bytes);
    copy[Math.floor(copy.length / 2)]! ^= 0xff;
    writeFileSync(damaged, copy);
    const d = await run(['restore', damaged, '--data-dir', join(root, 'from-damaged')]);
    expect(d.code).toBe(1);
    expect(d.err[0]).toMatch(/damaged|truncated|sha256/);
    expect(existsSync(join(root, 'from-damaged'))).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes('.restore-'))).toEqual([]);
  });

  it('never overwrites a non-empty data dir without --force (and keeps the old content aside with it)', async () => {
    const target = join(root, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'mine');
    const refused = await run(['restore', archive, '--data-dir', target]);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/is not empty.*--force/);
    expect(readdirSync(target)).toEqual(['keep.txt']);
    const forced = await run(['restore', archive, '--data-dir', target, '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(join(target, 'gateway.db'))).toBe(true);
    const aside = forced.out[1]!.match(/kept in (.*)\.$/)![1]!;
    expect(readFileSync(join(aside, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a backup whose database has a newer schema', async () => {
    const newer = join(root, 'newer');
    mkdirSync(newer);
    const manifest = await manifestOf(archive);
    expect(manifest.schemaVersion).toBeGreaterThan(0);
    copyFileSync(join(root, 'restored', 'gateway.db'), join(newer, 'gateway.db'));
    const db = new Database(join(newer, 'gateway.db'));
    db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(999, '999_future', 'x', Date.now());
    db.close();
    const out = join(root, 'newer.tar.gz');
    expect((await run(['backup', '--data-dir', newer, '--out', out])).code).toBe(0);
    const r = await run(['restore', out, '--data-dir', join(root, 'from-newer')]);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/schema version 999, newer than this version knows/);
    expect(existsSync(join(root, 'from-newer'))).toBe(false);
  });

  it('names scheduled backups by time and keeps the newest N', () => {
    const dir = join(root, 'scheduled');
    mkdirSync(dir);
    const t0 = Date.UTC(2026, 0, 1, 3, 0, 0);
    expect(backupFileName(t0)).toBe('wagw-backup-20260101T030000Z.tar.gz');
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, backupFileName(t0 + i * 3_600_000)), '');
    writeFileSync(join(dir, 'other.txt'), '');
    expect(pruneBackups(dir, 2)).toHaveLength(3);
    expect(readdirSync(dir).sort()).toEqual(['other.txt', backupFileName(t0 + 3 * 3_600_000), backupFileName(t0 + 4 * 3_600_000)]);
  });

  it('runs scheduled backups from inside the service and keeps the newest N', async () => {
    const dir = join(root, 'service-backups');
    mkdirSync(dir);
    let t = Date.UTC(2026, 0, 2, 0, 0, 0);
    const schedule = startBackupSchedule({ dir, everyMinutes: 60, keep: 2 }, { dataDir, logger: pino({ level: 'silent' }), now: () => t });
    try {
      for (let i = 0; i < 3; i++) {
        await schedule.runNow();
        t += 3_600_000;
      }
    } finally {
      schedule.stop();
    }
    expect(readdirSync(dir).sort()).toEqual(['wagw-backup-20260102T010000Z.tar.gz', 'wagw-backup-20260102T020000Z.tar.gz']);
    const m = await manifestOf(join(dir, 'wagw-backup-20260102T020000Z.tar.gz'));
    expect(m.files.map((f) => f.path)).toContain('gateway.db');
  }, 60_000);
});
