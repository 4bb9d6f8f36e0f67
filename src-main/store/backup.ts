/**
 * The database side of backups: a consistent copy of a live database through SQLite's online backup API
 * (safe while the gateway writes to it from another process), and the checks a restore makes on a copy.
 */
import Database from 'better-sqlite3';
import { loadMigrations } from './database.js';

export interface DatabaseSnapshotOptions {
  nativeBinding?: string | undefined;
}

function openReadonly(file: string, options: DatabaseSnapshotOptions) {
  const db = new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Copies the database at `source` to `dest` (a new file) with the online backup API. All pages go in one
 * step, under one read transaction, so the copy is the database at one instant even while another
 * connection keeps writing.
 */
export async function snapshotDatabase(source: string, dest: string, options: DatabaseSnapshotOptions = {}): Promise<void> {
  const db = openReadonly(source, options);
  try {
    await db.backup(dest, { progress: () => 1 << 30 });
  } finally {
    db.close();
  }
}

export interface DatabaseReport {
  /** 'ok' or the first problems PRAGMA integrity_check found. */
  integrity: string;
  /** Highest migration recorded in the database (0 for none). */
  schemaVersion: number;
  /** Highest migration this build knows. */
  knownSchemaVersion: number;
  counts: { sessions: number; chats: number; channels: number; messages: number };
}

/** Integrity, schema version and row counts of a database file (opened read-only). */
export function inspectDatabase(file: string, options: DatabaseSnapshotOptions = {}): DatabaseReport {
  const db = openReadonly(file, options);
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).slice(0, 5).join('; ');
    const hasMigrations = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const schemaVersion = hasMigrations
      ? ((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0)
      : 0;
    const count = (table: string) => {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
      return exists ? (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n : 0;
    };
    return {
      integrity,
      schemaVersion,
      knownSchemaVersion: loadMigrations().length,
      counts: { sessions: count('sessions'), chats: count('chats'), channels: count('channels'), messages: count('messages') },
    };
  } finally {
    db.close();
  }
}

/**
 * The sha256 names of the media files a database records (media_files), sorted: what a backup of that database
 * must carry. An older schema without the table records none.
 */
export function recordedMediaFiles(file: string, options: DatabaseSnapshotOptions = {}): string[] {
  const db = openReadonly(file, options);
  try {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'media_files'").get() !== undefined;
    if (!exists) return [];
    return (db.prepare('SELECT sha256 FROM media_files ORDER BY sha256').pluck().all() as string[]).filter((h) => /^[0-9a-f]{64}$/.test(h));
  } finally {
    db.close();
  }
}
