/**
 * Backups of a data directory: one gzip-compressed tar with the database (a consistent snapshot taken with
 * SQLite's online backup API, safe while the gateway runs), the media files that snapshot records (media_files:
 * not a half-written download, nor a file recorded after the snapshot) and, last, manifest.json with the size and
 * sha256 of each file. A restore checks everything before it touches the target: complete
 * archive, every hash, PRAGMA integrity_check, and a schema this build knows.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { inspectDatabase, recordedMediaFiles, snapshotDatabase, type DatabaseReport } from '../store/backup.js';
import { ArchiveError, TarWriter, tarExtractor, type WrittenEntry } from './tar.js';

export { ArchiveError } from './tar.js';

export const DB_FILE = 'gateway.db';
export const MEDIA_DIR = 'media';
export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'wagw-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  schemaVersion: number;
  counts: DatabaseReport['counts'];
  files: WrittenEntry[];
  /** Media files the snapshot records that were gone from disk when the backup read them. */
  missingMedia?: number;
}

export interface BackupOptions {
  dataDir: string;
  /** The archive to write (written as <out>.partial, then renamed). */
  out: string;
  nativeBinding?: string | undefined;
}

/**
 * The snapshot's media files as archive paths ('media/<2 hex>/<sha256>', the file store's layout), and the recorded
 * ones missing on disk (removed since the snapshot: a chat deleted meanwhile). A restored gateway treats a missing
 * file as not downloaded.
 */
function snapshotMedia(dataDir: string, snapshot: string, nativeBinding: string | undefined): { present: string[]; missing: number } {
  const present: string[] = [];
  let missing = 0;
  for (const sha of recordedMediaFiles(snapshot, { nativeBinding })) {
    const rel = `${MEDIA_DIR}/${sha.slice(0, 2)}/${sha}`;
    const path = join(dataDir, rel);
    if (existsSync(path) && statSync(path).isFile()) present.push(rel);
    else missing++;
  }
  return { present, missing };
}

/** Writes a backup of a (possibly running) gateway's data dir; returns its manifest. */
export async function createBackup(options: BackupOptions): Promise<BackupManifest> {
  const dataDir = resolve(options.dataDir);
  const dbFile = join(dataDir, DB_FILE);
  if (!existsSync(dbFile)) throw new ArchiveError(`no database in ${dataDir} (${DB_FILE} is missing)`);
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'wagw-backup-'));
  const partial = `${out}.partial`;
  try {
    const snapshot = join(work, DB_FILE);
    await snapshotDatabase(dbFile, snapshot, { nativeBinding: options.nativeBinding });
    const report = inspectDatabase(snapshot, { nativeBinding: options.nativeBinding });
    if (report.integrity !== 'ok') throw new ArchiveError(`the database snapshot failed its integrity check: ${report.integrity}`);

    const gzip = createGzip({ level: 6 });
    const file = createWriteStream(partial, { mode: 0o600 });
    const done = pipeline(gzip, file);
    const tar = new TarWriter(gzip);
    const files: WrittenEntry[] = [];
    const add = async (path: string, source: string) => {
      const st = statSync(source);
      files.push(await tar.addFile(path, source, st.size, st.mtimeMs));
    };
    await add(DB_FILE, snapshot);
    const media = snapshotMedia(dataDir, snapshot, options.nativeBinding);
    for (const rel of media.present) await add(rel, join(dataDir, rel));
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      schemaVersion: report.schemaVersion,
      counts: report.counts,
      files,
      missingMedia: media.missing,
    };
    await tar.addBuffer(MANIFEST_FILE, Buffer.from(JSON.stringify(manifest, null, 2)));
    await tar.finish();
    await done;
    renameSync(partial, out);
    return manifest;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface RestoreOptions {
  archive: string;
  dataDir: string;
  /** Replace a non-empty data dir (its previous content is moved aside to <dataDir>.before-restore-<time>). */
  force?: boolean;
  nativeBinding?: string | undefined;
  now?: () => number;
}

export interface RestoreResult {
  manifest: BackupManifest;
  report: DatabaseReport;
  /** Where a replaced data dir's previous content went, if anything was replaced. */
  movedAside: string | null;
}

function isNonEmptyDir(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0;
}

/** Extracts and checks an archive into a new directory `into` (must not exist); returns its manifest. */
export async function verifyArchive(archive: string, into: string, nativeBinding?: string): Promise<{ manifest: BackupManifest; report: DatabaseReport }> {
  mkdirSync(into, { mode: 0o700 });
  const seen = new Map<string, WrittenEntry>();
  try {
    await pipeline(createReadStream(archive), createGunzip(), tarExtractor(into, (e) => seen.set(e.path, e)));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES') throw new ArchiveError(`cannot read ${archive} (${e.code})`);
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`damaged or truncated archive: ${e.message}`);
  }
  const manifestEntry = seen.get(MANIFEST_FILE);
  if (!manifestEntry) throw new ArchiveError('damaged or truncated archive: manifest.json is missing');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(join(into, MANIFEST_FILE), 'utf8')) as BackupManifest;
  } catch {
    throw new ArchiveError('damaged archive: manifest.json is not valid JSON');
  }
  if (manifest.format !== BACKUP_FORMAT || !Array.isArray(manifest.files)) throw new ArchiveError('not a wagw backup (unknown manifest format)');
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new ArchiveError(`backup format ${manifest.formatVersion} was written by a newer version; this one reads up to ${BACKUP_FORMAT_VERSION}`);
  }
  for (const f of manifest.files) {
    const got = seen.get(f.path);
    if (!got) throw new ArchiveError(`damaged archive: ${f.path} is in the manifest but not in the archive`);
    if (got.size !== f.size || got.sha256 !== f.sha256) throw new ArchiveError(`damaged archive: ${f.path} does not match its sha256 in the manifest`);
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const extra = [...seen.keys()].find((p) => p !== MANIFEST_FILE && !listed.has(p));
  if (extra) throw new ArchiveError(`damaged archive: ${extra} is not in the manifest`);
  if (!listed.has(DB_FILE)) throw new ArchiveError(`not a wagw backup: ${DB_FILE} is missing`);
  const report = inspectDatabase(join(into, DB_FILE), { nativeBinding });
  if (report.integrity !== 'ok') throw new ArchiveError(`the database in the backup failed PRAGMA integrity_check: ${report.integrity}`);
  if (report.schemaVersion > report.knownSchemaVersion) {
    throw new ArchiveError(
      `the backup's database has schema version ${report.schemaVersion}, newer than this version knows (${report.knownSchemaVersion}): restore it with a newer wagw`,
    );
  }
  return { manifest, report };
}

/**
 * Restores an archive into a data dir. Checks the whole archive first (in a directory beside the target),
 * refuses a non-empty target without `force`, then moves the checked files into place.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const dataDir = resolve(options.dataDir);
  if (isNonEmptyDir(dataDir) && !options.force) {
    throw new ArchiveError(`${dataDir} is not empty: restore into a new directory, or pass --force to replace it (its content is kept aside)`);
  }
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) throw new ArchiveError(`${dataDir} is not a directory`);
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  const staging = join(mkdtempSync(join(parent, `.${basename(dataDir)}.restore-`)), 'data');
  try {
    const { manifest, report } = await verifyArchive(options.archive, staging, options.nativeBinding);
    rmSync(join(staging, MANIFEST_FILE));
    let movedAside: string | null = null;
    if (isNonEmptyDir(dataDir)) {
      const stamp = new Date(options.now?.() ?? Date.now()).toISOString().replace(/[:.]/g, '-');
      movedAside = `${dataDir}.before-restore-${stamp}`;
      renameSync(dataDir, movedAside);
    } else if (existsSync(dataDir)) {
      rmSync(dataDir, { recursive: true });
    }
    renameSync(staging, dataDir);
    return { manifest, report, movedAside };
  } finally {
    rmSync(dirname(staging), { recursive: true, force: true });
  }
}

/** sha256 of a file (for checks and tests). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
