/**
 * The database: WAL, numbered migrations applied in a transaction and recorded with a checksum, and a
 * refusal to start when the database and this build are out of step.
 */
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, loadMigrations, MigrationError, openDatabase } from '../../src-main/store/database.js';

describe('database and migrations', () => {
  let dir: string;
  let migrations: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wagw-db-'));
    migrations = join(dir, 'migrations');
    cpSync(defaultMigrationsDir(), migrations, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = () => join(dir, 'gateway.db');

  it('opens in WAL mode with foreign keys, applies and records every migration once', () => {
    const db = openDatabase(file(), { migrationsDir: migrations });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const recorded = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(recorded).toEqual(loadMigrations(migrations).map((m) => ({ version: m.version, name: m.name })));
    db.close();
    const again = openDatabase(file(), { migrationsDir: migrations });
    expect(again.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: recorded.length });
    again.close();
  });

  it('applies a new numbered migration on the next start, in a transaction', () => {
    openDatabase(file(), { migrationsDir: migrations }).close();
    const next = String(readdirSync(migrations).length + 1).padStart(3, '0');
    writeFileSync(join(migrations, `${next}_add_note.sql`), 'ALTER TABLE chats ADD COLUMN note TEXT;');
    const db = openDatabase(file(), { migrationsDir: migrations });
    expect((db.prepare('PRAGMA table_info(chats)').all() as { name: string }[]).map((c) => c.name)).toContain('note');
    db.close();
  });

  it('a failing migration leaves nothing half-applied and the database usable by the old build', () => {
    openDatabase(file(), { migrationsDir: migrations }).close();
    const next = String(readdirSync(migrations).length + 1).padStart(3, '0');
    writeFileSync(join(migrations, `${next}_broken.sql`), 'CREATE TABLE half (x INTEGER);\nTHIS IS NOT SQL;');
    expect(() => openDatabase(file(), { migrationsDir: migrations })).toThrow();
    const raw = new Database(file());
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(raw.prepare('SELECT count(*) AS n FROM schema_migrations WHERE name LIKE ?').get(`${next}_%`)).toEqual({ n: 0 });
    raw.close();
    rmSync(join(migrations, `${next}_broken.sql`));
    openDatabase(file(), { migrationsDir: migrations }).close();
  });

  it('refuses a database written by a newer version (an unknown migration)', () => {
    openDatabase(file(), { migrationsDir: migrations }).close();
    const raw = new Database(file());
    raw.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(99, '099_future', 'x', 0);
    raw.close();
    expect(() => openDatabase(file(), { migrationsDir: migrations })).toThrow(MigrationError);
    expect(() => openDatabase(file(), { migrationsDir: migrations })).toThrow(/newer version/);
  });

  it('refuses when an applied migration was changed afterwards', () => {
    openDatabase(file(), { migrationsDir: migrations }).close();
    const first = readdirSync(migrations).sort()[0]!;
    writeFileSync(join(migrations, first), `-- edited\n${readdirSync(migrations).length}`, { flag: 'a' });
    expect(() => openDatabase(file(), { migrationsDir: migrations })).toThrow(/differs/);
  });

  it('refuses gaps in the numbering', () => {
    // One number past the next free one, whatever the count of migrations today.
    const gap = String(readdirSync(migrations).filter((f) => /^\d{3}_/.test(f)).length + 2).padStart(3, '0');
    writeFileSync(join(migrations, `${gap}_gap.sql`), 'SELECT 1;');
    expect(() => loadMigrations(migrations)).toThrow(MigrationError);
  });
});
