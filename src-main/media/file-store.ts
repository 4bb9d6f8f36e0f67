/**
 * Content-addressed media files: `<root>/<aa>/<sha256>` where `<sha256>` is the lower-case hex hash of the
 * file's bytes and `<aa>` its first two characters (so no directory grows past a few thousand entries).
 *
 * Why this shape (issue 9): identical bytes are stored once whichever messages carry them, and no text that
 * came from WhatsApp (file names, mimetypes, ids) ever reaches a path: every path is built from a hash that
 * was checked against /^[0-9a-f]{64}$/.
 *
 * A file becomes visible only complete and verified: bytes stream into `<root>/<aa>/.partial-<random>` while
 * they are hashed, are fsynced, the hash is compared with the one WhatsApp announced (fileSha256), and only
 * then the temp file is renamed into place (atomic within one directory). A mismatch deletes the temp file
 * and throws MediaIntegrityError. A crash leaves at most a `.partial-*` file, which no reader ever opens
 * (readers only ever ask for hash names) and `sweep()` removes at the next start.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync, unlinkSync, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const SHARD = /^[0-9a-f]{2}$/;
export const PARTIAL_PREFIX = '.partial-';
const READ_CHUNK = 512 * 1024;

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

function assertSha256(sha256: string): void {
  if (!isSha256Hex(sha256)) throw new TypeError('not a lower-case hex sha256');
}

/** The bytes did not hash to what WhatsApp announced: never kept, never served. */
export class MediaIntegrityError extends Error {
  readonly expected: string;
  readonly actual: string;
  readonly size: number;
  constructor(expected: string, actual: string, size: number) {
    super(`media bytes hash to ${actual}, expected ${expected}`);
    this.name = 'MediaIntegrityError';
    this.expected = expected;
    this.actual = actual;
    this.size = size;
  }
}

/** More bytes arrived than the caller allowed (policy maximum or the announced length plus slack). */
export class MediaTooLargeError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`media is larger than ${limit} bytes`);
    this.name = 'MediaTooLargeError';
    this.limit = limit;
  }
}

export interface WriteOptions {
  /** WhatsApp's fileSha256 as lower-case hex: the only name the file can get. */
  expectedSha256: string;
  /** Abort (and delete the temp file) once more than this many bytes arrived. */
  maxBytes?: number;
}

export interface WriteResult {
  sha256: string;
  size: number;
  /** The file was already stored (same bytes from another message): nothing new on disk. */
  existed: boolean;
}

export interface FileStore {
  readonly root: string;
  /** Removes every leftover `.partial-*` file (an interrupted write). Call once at start, before writers run. */
  sweep(): Promise<number>;
  has(sha256: string): boolean;
  /** Absolute path of a stored file (whether or not it exists). */
  path(sha256: string): string;
  /** Size in bytes, or null when not stored. */
  size(sha256: string): number | null;
  /** Streams bytes in, verifies them against expectedSha256, then makes them visible atomically. */
  write(source: AsyncIterable<Uint8Array>, options: WriteOptions): Promise<WriteResult>;
  /** A read stream of the whole file or of an inclusive byte range. Throws ENOENT when not stored. */
  open(sha256: string, range?: { start: number; end: number } | null): ReadStream;
  /** Deletes a stored file; false when it was not there. */
  remove(sha256: string): boolean;
  /** Every stored hash (for reconciliation with the database). */
  list(): Promise<string[]>;
}

export function createFileStore(root: string): FileStore {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const pathOf = (sha256: string): string => {
    assertSha256(sha256);
    return join(root, sha256.slice(0, 2), sha256);
  };

  // Shard directories known to exist, made without blocking the event loop: a synchronous mkdir per file was
  // ~7 % of a small download's main-thread time, and a new shard's mkdir waits for the disk (test/bench/media.ts).
  // One removed behind our back is made again when the open says ENOENT.
  const shards = new Set<string>();
  const makeShard = async (dir: string) => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    shards.add(dir);
  };
  async function openTemp(dir: string, temp: string) {
    if (!shards.has(dir)) await makeShard(dir);
    try {
      return await open(temp, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await makeShard(dir);
      return await open(temp, 'wx', 0o600);
    }
  }

  async function syncDir(dir: string): Promise<void> {
    // Makes the rename itself durable. Directories cannot be opened for fsync on Windows: best effort.
    try {
      const fh = await open(dir, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch {
      // not supported on this platform
    }
  }

  return {
    root,

    async sweep() {
      let removed = 0;
      const shards = await readdir(root, { withFileTypes: true });
      for (const shard of shards) {
        if (shard.isFile() && shard.name.startsWith(PARTIAL_PREFIX)) {
          await rm(join(root, shard.name), { force: true });
          removed++;
        }
        if (!shard.isDirectory() || !SHARD.test(shard.name)) continue;
        for (const name of await readdir(join(root, shard.name))) {
          if (name.startsWith(PARTIAL_PREFIX)) {
            await rm(join(root, shard.name, name), { force: true });
            removed++;
          }
        }
      }
      return removed;
    },

    has(sha256) {
      return isSha256Hex(sha256) && existsSync(pathOf(sha256));
    },

    path: pathOf,

    size(sha256) {
      if (!isSha256Hex(sha256)) return null;
      try {
        return statSync(pathOf(sha256)).size;
      } catch {
        return null;
      }
    },

    async write(source, options) {
      const expected = options.expectedSha256;
      assertSha256(expected);
      const dir = join(root, expected.slice(0, 2));
      const temp = join(dir, `${PARTIAL_PREFIX}${randomBytes(8).toString('hex')}`);
      const fh = await openTemp(dir, temp);
      const hash = createHash('sha256');
      let size = 0;
      let closed = false;
      try {
        for await (const chunk of source) {
          size += chunk.byteLength;
          if (options.maxBytes !== undefined && size > options.maxBytes) throw new MediaTooLargeError(options.maxBytes);
          hash.update(chunk);
          let off = 0;
          while (off < chunk.byteLength) {
            const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
            off += bytesWritten;
          }
        }
        await fh.sync();
        await fh.close();
        closed = true;
        const actual = hash.digest('hex');
        if (actual !== expected) throw new MediaIntegrityError(expected, actual, size);
        const final = join(dir, expected);
        if (existsSync(final)) {
          await unlink(temp);
          return { sha256: expected, size, existed: true };
        }
        await rename(temp, final);
        await syncDir(dir);
        return { sha256: expected, size, existed: false };
      } catch (e) {
        if (!closed) await fh.close().catch(() => undefined);
        await rm(temp, { force: true });
        throw e;
      }
    },

    open(sha256, range) {
      // 512 KiB reads instead of the default 64 KiB: an eighth of the read calls and socket writes per file,
      // which is what serving large media costs. Main-thread time per 10 MiB file through the gateway's media
      // route (test/bench/media-profile.ts): 64 KiB 10.2-13.3 ms, 256 KiB 7.3-10.0, 512 KiB 6.9-7.7, 1 MiB
      // 7.2-8.0. A range read allocates only what it needs.
      const highWaterMark = READ_CHUNK;
      return createReadStream(pathOf(sha256), range ? { start: range.start, end: range.end, highWaterMark } : { highWaterMark });
    },

    remove(sha256) {
      try {
        unlinkSync(pathOf(sha256));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    },

    async list() {
      const out: string[] = [];
      for (const shard of await readdir(root, { withFileTypes: true })) {
        if (!shard.isDirectory() || !SHARD.test(shard.name)) continue;
        for (const name of await readdir(join(root, shard.name))) if (isSha256Hex(name)) out.push(name);
      }
      return out;
    },
  };
}
