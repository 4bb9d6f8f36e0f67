import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  API_KEY_LENGTH,
  createApiKeyService,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  LAST_USED_RESOLUTION_MS,
} from '../../src-main/auth/api-keys.js';
import { ValidationError } from '../../src-main/core/errors.js';
import { tempStore } from './helpers.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The same key with the character at index i replaced by a different base62 character. */
function typo(key: string, i: number): string {
  const c = key[i]!;
  const replacement = BASE62[(BASE62.indexOf(c) + 1) % BASE62.length]!;
  return key.slice(0, i) + replacement + key.slice(i + 1);
}

describe('API key format', () => {
  it('generates wa_ + base62 secret + checksum, with prefix and sha256 hash of the whole key', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^wa_[0-9A-Za-z]{49}$/);
    expect(key).toHaveLength(API_KEY_LENGTH);
    expect(prefix).toBe(key.slice(0, 10));
    expect(hash).toBe(hashApiKey(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('generates distinct keys', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
  });

  it('rejects a one-character typo anywhere in the secret or the checksum', () => {
    const { key } = generateApiKey();
    for (let i = 3; i < key.length; i++) {
      expect(isWellFormedApiKey(typo(key, i)), `typo at ${i}`).toBe(false);
    }
  });

  it('rejects wrong prefix, wrong length, bad characters and non-strings', () => {
    const { key } = generateApiKey();
    expect(isWellFormedApiKey('wb_' + key.slice(3))).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(key + 'a')).toBe(false);
    expect(isWellFormedApiKey(key.slice(0, 20) + '-' + key.slice(21))).toBe(false);
    expect(isWellFormedApiKey(' ' + key)).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
    expect(isWellFormedApiKey(undefined)).toBe(false);
    expect(isWellFormedApiKey(42)).toBe(false);
  });
});

describe('createApiKeyService', () => {
  let t: ReturnType<typeof tempStore>;
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    t = tempStore();
    clock = 1_700_000_000_000;
  });
  afterEach(() => t.cleanup());

  it('creates a key, lists it without any secret, and authenticates it with the row capabilities', () => {
    const svc = createApiKeyService({ store: t.store, now });
    const { key, info } = svc.create(t.orgId, '  ci script  ', ['send', 'read']);
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(info).toMatchObject({
      name: 'ci script',
      prefix: key.slice(0, 10),
      capabilities: ['read', 'send'],
      createdAt: clock,
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(info.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/); // a ULID by default

    const listed = svc.list(t.orgId);
    expect(listed).toEqual([info]);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(svc.list('other_org')).toEqual([]);

    expect(svc.authenticate(key)).toEqual({
      kind: 'api_key',
      keyId: info.id,
      organizationId: t.orgId,
      capabilities: ['read', 'send'],
    });
  });

  it('uses the injected id generator', () => {
    const svc = createApiKeyService({ store: t.store, now, newId: () => 'key_fixed' });
    expect(svc.create(t.orgId, 'x', ['read']).info.id).toBe('key_fixed');
  });

  it('validates name and capabilities with ValidationError', () => {
    const svc = createApiKeyService({ store: t.store, now });
    const bad: [unknown, unknown][] = [
      ['', ['read']],
      ['   ', ['read']],
      ['x'.repeat(101), ['read']],
      [42, ['read']],
      ['ok', []],
      ['ok', ['read', 'read']],
      ['ok', ['admin']],
      ['ok', 'read'],
      ['ok', [null]],
    ];
    for (const [name, caps] of bad) {
      expect(() => svc.create(t.orgId, name, caps), JSON.stringify([name, caps])).toThrow(ValidationError);
    }
    expect(svc.create(t.orgId, 'x'.repeat(100), ['read', 'send', 'manage']).info.capabilities).toEqual([
      'read',
      'send',
      'manage',
    ]);
    expect(svc.list(t.orgId)).toHaveLength(1);
  });

  it('refuses to create a key for an unknown organization', () => {
    const svc = createApiKeyService({ store: t.store, now });
    expect(() => svc.create('nope', 'x', ['read'])).toThrow(/organization not found/);
  });

  it('revokes only within the organization, once; a revoked key no longer authenticates', () => {
    t.store.organizations.create('org_2', 'Other', 1_000);
    const svc = createApiKeyService({ store: t.store, now });
    const { key, info } = svc.create(t.orgId, 'k', ['read']);
    expect(svc.revoke('org_2', info.id)).toBe(false);
    expect(svc.authenticate(key)).not.toBeNull();
    clock += 5;
    expect(svc.revoke(t.orgId, info.id)).toBe(true);
    expect(svc.revoke(t.orgId, info.id)).toBe(false);
    expect(svc.revoke(t.orgId, 'missing')).toBe(false);
    expect(svc.authenticate(key)).toBeNull();
    expect(svc.list(t.orgId)[0]!.revokedAt).toBe(clock);
  });

  it('rejects a one-character typo without a database lookup, and an unknown valid-looking key after one', () => {
    const svc = createApiKeyService({ store: t.store, now });
    const { key } = svc.create(t.orgId, 'k', ['read']);
    const lookup = vi.spyOn(t.store.apiKeys, 'findActiveByHash');
    expect(svc.authenticate(typo(key, 20))).toBeNull();
    expect(svc.authenticate(typo(key, key.length - 1))).toBeNull();
    expect(svc.authenticate('Bearer ' + key)).toBeNull();
    expect(svc.authenticate(undefined)).toBeNull();
    expect(lookup).not.toHaveBeenCalled();

    expect(svc.authenticate(generateApiKey().key)).toBeNull();
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(svc.authenticate(key)).not.toBeNull();
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('updates lastUsedAt at most once per resolution window', () => {
    const svc = createApiKeyService({ store: t.store, now });
    const { key, info } = svc.create(t.orgId, 'k', ['read']);
    const touch = vi.spyOn(t.store.apiKeys, 'touchLastUsed');
    const lastUsed = () => svc.list(t.orgId).find((k) => k.id === info.id)!.lastUsedAt;

    const first = clock;
    svc.authenticate(key);
    expect(lastUsed()).toBe(first);
    for (let i = 0; i < 10; i++) {
      clock += 1_000;
      expect(svc.authenticate(key)).not.toBeNull();
    }
    expect(touch).toHaveBeenCalledTimes(1);
    expect(lastUsed()).toBe(first);

    clock = first + LAST_USED_RESOLUTION_MS;
    svc.authenticate(key);
    expect(touch).toHaveBeenCalledTimes(2);
    expect(lastUsed()).toBe(clock);
  });

  it('stores only the hash: the raw key is in neither the database file nor its WAL', () => {
    const svc = createApiKeyService({ store: t.store, now });
    const created = Array.from({ length: 3 }, (_, i) => svc.create(t.orgId, `k${i}`, ['read']));
    for (const { key } of created) expect(svc.authenticate(key)).not.toBeNull();

    const files = [t.file, t.file + '-wal'].filter((f) => existsSync(f));
    expect(files).toContain(t.file + '-wal'); // the writes above are (at least) in the WAL while open
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    for (const { key, info } of created) {
      const secret = key.slice(3);
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from(secret.slice(10, 40)))).toBe(false);
      // The scan does see what IS stored, so a miss above is meaningful.
      expect(bytes.includes(Buffer.from(hashApiKey(key)))).toBe(true);
      expect(bytes.includes(Buffer.from(info.prefix))).toBe(true);
    }

    // And after a checkpoint folds the WAL into the main file.
    t.store.close();
    const main = readFileSync(t.file);
    for (const { key } of created) {
      expect(main.includes(Buffer.from(key))).toBe(false);
      expect(main.includes(Buffer.from(hashApiKey(key)))).toBe(true);
    }
  });
});
