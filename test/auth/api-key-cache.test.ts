/**
 * The verified-key cache of the API key service (src-main/auth/api-keys.ts): a key that keeps calling is not
 * looked up again, but a revoked key is refused from the very next request however it was revoked - through
 * the service, through the repository, through another service over the same store, or by another process
 * (another connection to the same file, as `wagw keys revoke` does).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiKeyService, generateApiKey, VERIFIED_KEY_TTL_MS } from '../../src-main/auth/api-keys.js';
import { openStore } from '../../src-main/store/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { tempStore } from './helpers.js';

describe('verified API key cache', () => {
  let t: ReturnType<typeof tempStore>;
  let clock: number;
  const now = () => clock;

  beforeEach(() => {
    t = tempStore();
    clock = 1_700_000_000_000;
  });
  afterEach(() => t.cleanup());

  /** A key that has been used once before (so its lastUsed write is behind it) and one service to call. */
  function usedKey(capabilities = ['read']) {
    const svc = createApiKeyService({ store: t.store, now });
    const created = svc.create(t.orgId, 'k', capabilities);
    expect(svc.authenticate(created.key)).not.toBeNull(); // first use: lookup + lastUsed write, not cached
    clock += 1;
    return { svc, ...created };
  }

  it('answers a repeated key without looking it up again, with the same principal', () => {
    const { svc, key, info } = usedKey(['read', 'send']);
    const lookup = vi.spyOn(t.store.apiKeys, 'findActiveByHash');
    const first = svc.authenticate(key);
    for (let i = 0; i < 5; i++) expect(svc.authenticate(key)).toEqual(first);
    expect(first).toEqual({ kind: 'api_key', keyId: info.id, organizationId: t.orgId, capabilities: ['read', 'send'] });
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('hands out copies: a caller changing its principal does not change the next one', () => {
    const { svc, key } = usedKey(['read']);
    (svc.authenticate(key)!.capabilities as string[]).push('manage');
    const again = svc.authenticate(key)!;
    expect(again.capabilities).toEqual(['read']);
    (again as { organizationId: string }).organizationId = 'org_evil';
    expect(svc.authenticate(key)!.organizationId).toBe(t.orgId);
  });

  it('refuses a key revoked through the service on the next call', () => {
    const { svc, key, info } = usedKey();
    expect(svc.authenticate(key)).not.toBeNull();
    expect(svc.authenticate(key)).not.toBeNull(); // served from the cache
    expect(svc.revoke(t.orgId, info.id)).toBe(true);
    expect(svc.authenticate(key)).toBeNull();
  });

  it('refuses a key revoked through another service over the same store, or through the repository', () => {
    const { svc, key, info } = usedKey();
    const other = usedKey();
    expect(svc.authenticate(key)).not.toBeNull();
    expect(svc.authenticate(other.key)).not.toBeNull();
    createApiKeyService({ store: t.store, now }).revoke(t.orgId, info.id);
    expect(svc.authenticate(key)).toBeNull();

    expect(svc.authenticate(other.key)).not.toBeNull();
    t.store.apiKeys.revoke(t.orgId, other.info.id, clock); // no service involved: the connection's change count moves
    expect(svc.authenticate(other.key)).toBeNull();
  });

  it('refuses a key revoked by another connection (another process) on the next call', () => {
    const { svc, key, info } = usedKey();
    expect(svc.authenticate(key)).not.toBeNull();
    expect(svc.authenticate(key)).not.toBeNull();
    const cli = openStore(t.file, { backgroundCheckpoints: false }); // what `wagw keys revoke` opens
    try {
      expect(createApiKeyService({ store: cli }).revoke(t.orgId, info.id)).toBe(true);
    } finally {
      cli.close();
    }
    expect(svc.authenticate(key)).toBeNull();
  });

  it('looks the key up again after any write and after the time limit', () => {
    const { svc, key } = usedKey();
    const lookup = vi.spyOn(t.store.apiKeys, 'findActiveByHash');
    svc.authenticate(key);
    svc.authenticate(key);
    expect(lookup).toHaveBeenCalledTimes(1);
    t.store.organizations.create('org_2', 'Other', clock); // an unrelated write
    svc.authenticate(key);
    expect(lookup).toHaveBeenCalledTimes(2);
    clock += VERIFIED_KEY_TTL_MS - 1;
    svc.authenticate(key);
    expect(lookup).toHaveBeenCalledTimes(2);
    clock += 1;
    svc.authenticate(key);
    expect(lookup).toHaveBeenCalledTimes(3);
  });

  it('never lets a cached key vouch for another string: typos, unknown keys and non-keys still fail', () => {
    const { svc, key } = usedKey();
    expect(svc.authenticate(key)).not.toBeNull();
    const typo = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    expect(svc.authenticate(typo)).toBeNull();
    expect(svc.authenticate(generateApiKey().key)).toBeNull();
    expect(svc.authenticate(` ${key}`)).toBeNull();
    expect(svc.authenticate(undefined)).toBeNull();
    expect(svc.authenticate(key)).not.toBeNull();
  });
});

describe('verified API key cache over HTTP', () => {
  let g: TestGateway;
  beforeEach(async () => {
    g = await startTestGateway();
  });
  afterEach(async () => {
    await g.close();
  });

  it('a key revoked with DELETE /keys/{id} gets 401 on its next request', async () => {
    const created = await g.req('POST', '/api/v1/keys', { auth: g.token, body: { name: 'script', capabilities: ['read'] } });
    expect(created.status).toBe(201);
    expect((await g.req('GET', '/api/v1/sessions', { apiKeyHeader: created.body.key })).status).toBe(200);
    const lookup = vi.spyOn(g.store.apiKeys, 'findActiveByHash');
    for (let i = 0; i < 3; i++) expect((await g.req('GET', '/api/v1/sessions', { apiKeyHeader: created.body.key })).status).toBe(200);
    expect(lookup).toHaveBeenCalledTimes(1); // the cache is in use: only the first of the three looked the key up
    expect((await g.req('DELETE', `/api/v1/keys/${created.body.id}`, { auth: g.token })).status).toBe(204);
    expect((await g.req('GET', '/api/v1/sessions', { apiKeyHeader: created.body.key })).status).toBe(401);
  });

  it('a key revoked by another process gets 401 on its next request', async () => {
    const created = await g.req('POST', '/api/v1/keys', { auth: g.token, body: { name: 'script', capabilities: ['read'] } });
    for (let i = 0; i < 3; i++) expect((await g.req('GET', '/api/v1/sessions', { apiKeyHeader: created.body.key })).status).toBe(200);
    const cli = openStore(g.store.db.name, { backgroundCheckpoints: false });
    try {
      expect(createApiKeyService({ store: cli }).revoke(g.organizationId, created.body.id)).toBe(true);
    } finally {
      cli.close();
    }
    expect((await g.req('GET', '/api/v1/sessions', { apiKeyHeader: created.body.key })).status).toBe(401);
  });
});
