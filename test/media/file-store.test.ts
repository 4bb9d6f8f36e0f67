import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaIntegrityError, MediaTooLargeError, isSha256Hex } from '../../src-main/media/file-store.js';
import { tempFiles } from './helpers.js';

let t: ReturnType<typeof tempFiles>;
afterEach(() => t?.cleanup());
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const chunks = (b: Buffer, size = 1000) => Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));
const names = (root: string) => readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);

describe('file-store', () => {
  it('stores bytes under their hash, once, and reads whole files and ranges back', async () => {
    t = tempFiles();
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const h = sha(bytes);
    expect(await t.files.write(chunks(bytes), { expectedSha256: h })).toEqual({ sha256: h, size: 5000, existed: false });
    expect(t.files.path(h)).toBe(join(t.files.root, h.slice(0, 2), h));
    expect(t.files.has(h)).toBe(true);
    expect(t.files.size(h)).toBe(5000);
    expect(readFileSync(t.files.path(h)).equals(bytes)).toBe(true);
    const part: Buffer[] = [];
    for await (const c of t.files.open(h, { start: 0, end: 99 })) part.push(c as Buffer);
    expect(Buffer.concat(part).equals(bytes.subarray(0, 100))).toBe(true);
    expect(await t.files.write(chunks(bytes), { expectedSha256: h })).toMatchObject({ existed: true });
    expect(names(t.files.root)).toEqual([h]);
    expect(await t.files.list()).toEqual([h]);
    expect(t.files.remove(h)).toBe(true);
    expect(t.files.remove(h)).toBe(false);
    expect(t.files.has(h)).toBe(false);
  });

  it('a shard directory removed behind its back is made again on the next write', async () => {
    t = tempFiles();
    const bytes = Buffer.from('first file');
    const h = sha(bytes);
    await t.files.write(chunks(bytes), { expectedSha256: h });
    rmSync(join(t.files.root, h.slice(0, 2)), { recursive: true });
    expect(await t.files.write(chunks(bytes), { expectedSha256: h })).toEqual({ sha256: h, size: bytes.length, existed: false });
    expect(readFileSync(t.files.path(h)).equals(bytes)).toBe(true);
  });

  it('a hash mismatch throws a typed error and leaves nothing behind', async () => {
    t = tempFiles();
    const want = sha(Buffer.from('announced'));
    const err = await t.files.write(chunks(Buffer.from('delivered instead')), { expectedSha256: want }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaIntegrityError);
    expect((err as MediaIntegrityError).actual).toBe(sha(Buffer.from('delivered instead')));
    expect(t.files.has(want)).toBe(false);
    expect(names(t.files.root)).toEqual([]);
  });

  it('over maxBytes throws and leaves nothing; a failing source leaves nothing', async () => {
    t = tempFiles();
    const big = Buffer.alloc(10_000, 1);
    await expect(t.files.write(chunks(big), { expectedSha256: sha(big), maxBytes: 5000 })).rejects.toBeInstanceOf(MediaTooLargeError);
    const failing = (async function* () {
      yield Buffer.from('some');
      throw new Error('connection reset');
    })();
    await expect(t.files.write(failing, { expectedSha256: sha(big) })).rejects.toThrow('connection reset');
    expect(names(t.files.root)).toEqual([]);
  });

  it('sweep removes leftover partial files and nothing else', async () => {
    t = tempFiles();
    const bytes = Buffer.from('kept');
    await t.files.write(chunks(bytes), { expectedSha256: sha(bytes) });
    mkdirSync(join(t.files.root, 'cd'), { recursive: true });
    writeFileSync(join(t.files.root, 'cd', '.partial-deadbeef'), 'half');
    writeFileSync(join(t.files.root, '.partial-0011'), 'half');
    expect(await t.files.sweep()).toBe(2);
    expect(names(t.files.root)).toEqual([sha(bytes)]);
  });

  it('only validated hex hashes ever become paths', () => {
    t = tempFiles();
    for (const bad of ['../../etc/passwd', 'AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(32)}/x`]) {
      expect(isSha256Hex(bad)).toBe(false);
      expect(() => t.files.path(bad)).toThrow(TypeError);
      expect(t.files.has(bad)).toBe(false);
      expect(t.files.size(bad)).toBeNull();
    }
  });
});
