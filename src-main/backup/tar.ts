/**
 * A small ustar (POSIX tar) writer and a streaming extractor: regular files only, enough for backups.
 * Node built-ins only; the archive is gzip-compressed by the caller.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { Writable } from 'node:stream';

const BLOCK = 512;

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function header(name: string, size: number, mtimeMs: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new ArchiveError(`path too long for the archive: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  b.write(base, 0, 100, 'utf8');
  b.write(octal(0o600, 8), 100, 8, 'ascii');
  b.write(octal(0, 8), 108, 8, 'ascii');
  b.write(octal(0, 8), 116, 8, 'ascii');
  b.write(octal(size, 12), 124, 12, 'ascii');
  b.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 12, 'ascii');
  b.write('        ', 148, 8, 'ascii');
  b.write('0', 156, 1, 'ascii');
  b.write('ustar\0', 257, 6, 'ascii');
  b.write('00', 263, 2, 'ascii');
  b.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return b;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest ? BLOCK - rest : 0);
}

export interface WrittenEntry {
  path: string;
  size: number;
  sha256: string;
}

/** Writes tar entries into `out` (e.g. a gzip stream), respecting its backpressure. */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  private write(chunk: Buffer): Promise<void> {
    if (this.out.write(chunk)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        this.out.off('error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        this.out.off('drain', onDrain);
        reject(err);
      };
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
    });
  }

  async addBuffer(path: string, data: Buffer): Promise<WrittenEntry> {
    await this.write(header(path, data.length, Date.now()));
    await this.write(data);
    await this.write(padding(data.length));
    return { path, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  /** Streams a file of a known size (it must not change while being read; ours are immutable). */
  async addFile(path: string, file: string, size: number, mtimeMs: number): Promise<WrittenEntry> {
    await this.write(header(path, size, mtimeMs));
    const hash = createHash('sha256');
    let written = 0;
    for await (const chunk of createReadStream(file)) {
      const buf = chunk as Buffer;
      const take = buf.subarray(0, Math.max(0, size - written));
      hash.update(take);
      written += take.length;
      await this.write(take);
    }
    if (written !== size) throw new ArchiveError(`${file} changed size while being archived`);
    await this.write(padding(size));
    return { path, size, sha256: hash.digest('hex') };
  }

  /** The two zero blocks that end a tar archive; then ends the output. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
  }
}

/** An archive path that stays inside the target directory: relative, no '..', no empty segments. */
export function safeArchivePath(name: string): boolean {
  if (!name || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  const parts = name.split('/');
  return parts.every((p) => p !== '' && p !== '.' && p !== '..');
}

/**
 * A Writable that extracts a tar stream into `dir` (regular files only) and records each file's size and
 * sha256. It fails on anything else (links, unsafe paths, bad checksums) and, at the end, on a truncated
 * archive (an entry cut short or no end-of-archive blocks).
 */
export function tarExtractor(dir: string, onEntry: (entry: WrittenEntry) => void): Writable {
  let pending: Buffer = Buffer.alloc(0);
  let current: { path: string; fd: number; remaining: number; size: number; pad: number; hash: ReturnType<typeof createHash> } | null = null;
  let skipPad = 0;
  let ended = false;

  function parseHeader(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      ended = true;
      return;
    }
    const stored = parseInt(h.toString('ascii', 148, 156).replace(/\0.*$/, '').trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (stored !== sum) throw new ArchiveError('damaged archive: bad tar header checksum');
    const type = String.fromCharCode(h[156]!);
    const str = (start: number, len: number) => h.toString('utf8', start, start + len).replace(/\0.*$/s, '');
    const base = str(0, 100);
    const prefix = str(345, 155);
    const name = prefix ? `${prefix}/${base}` : base;
    const size = parseInt(str(124, 12).trim() || '0', 8);
    if (type !== '0' && type !== '\0') throw new ArchiveError(`unexpected entry type '${type}' for ${name}`);
    if (!safeArchivePath(name)) throw new ArchiveError(`unsafe path in archive: ${name}`);
    const target = join(dir, normalize(name.split('/').join(sep)));
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    const fd = openSync(target, 'wx', 0o600);
    current = { path: name, fd, remaining: size, size, pad: padding(size).length, hash: createHash('sha256') };
    if (size === 0) finishEntry();
  }

  function finishEntry(): void {
    const c = current!;
    closeSync(c.fd);
    skipPad = c.pad;
    current = null;
    onEntry({ path: c.path, size: c.size, sha256: c.hash.digest('hex') });
  }

  function consume(): void {
    while (!ended) {
      if (current) {
        if (!pending.length) return;
        const take = pending.subarray(0, Math.min(current.remaining, pending.length));
        writeSync(current.fd, take);
        current.hash.update(take);
        current.remaining -= take.length;
        pending = pending.subarray(take.length);
        if (current.remaining === 0) finishEntry();
        continue;
      }
      if (skipPad) {
        const n = Math.min(skipPad, pending.length);
        pending = pending.subarray(n);
        skipPad -= n;
        if (skipPad) return;
        continue;
      }
      if (pending.length < BLOCK) return;
      const h = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      parseHeader(h);
    }
  }

  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      try {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        consume();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    final(cb) {
      if (current) {
        closeSync(current.fd);
        return cb(new ArchiveError(`truncated archive: ${current.path} is cut short`));
      }
      if (!ended) return cb(new ArchiveError('truncated archive: no end-of-archive marker'));
      cb();
    },
  });
}
