/**
 * Opens the gateway's SQLite database and brings its schema up to date.
 *
 * better-sqlite3 is a native module compiled per runtime (plain Node vs Electron's ABI). The Electron
 * entry passes `nativeBinding` pointing at the Electron build so node_modules keeps the Node build.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path of a better_sqlite3.node built for the current runtime (Electron); default: the package's own. */
  nativeBinding?: string | undefined;
  /** Directory of numbered NNN_name.sql migrations; default: the bundled ones. */
  migrationsDir?: string | undefined;
  readonly?: boolean;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** Where the .sql files are: beside this module in the source tree, or copied next to the bundle by the build. */
export function defaultMigrationsDir(): string {
  if (process.env.WAGW_MIGRATIONS_DIR) return process.env.WAGW_MIGRATIONS_DIR;
  // Beside this module (source tree, or the server bundle's entry), or one level up when the store code
  // ended up in a chunk of the server bundle (dist/server/chunks/ next to dist/server/migrations/).
  const beside = join(here, 'migrations');
  return existsSync(beside) ? beside : join(here, '..', 'migrations');
}

export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f));
  const migrations = files
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 3)),
        name: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migrations must be numbered 001, 002, ... without gaps; found ${m.name}`);
  });
  return migrations;
}

/**
 * Applies the migrations the database has not seen, each in its own transaction, and records them.
 * Refuses (throws MigrationError) when the database is out of step with this build: it has a migration
 * this build does not know (a newer app wrote it) or a recorded migration's text changed.
 */
export function migrate(db: Db, migrations: Migration[]): { applied: string[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const recorded = db
    .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
    .all() as { version: number; name: string; checksum: string }[];
  for (const row of recorded) {
    const known = migrations[row.version - 1];
    if (!known) {
      throw new MigrationError(
        `database has migration ${row.name} that this version does not know; it was written by a newer version of the app`,
      );
    }
    if (known.checksum !== row.checksum) {
      throw new MigrationError(`migration ${row.name} differs from the one applied to this database; refusing to start`);
    }
  }
  const applied: string[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of migrations.slice(recorded.length)) {
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, m.checksum, Date.now());
    })();
    applied.push(m.name);
  }
  return { applied };
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const db = new Database(file, {
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    ...(options.readonly ? { readonly: true } : {}),
  });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -32000');
    if (!options.readonly) migrate(db, loadMigrations(options.migrationsDir));
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
