/**
 * API keys: credentials for scripts (API.md "Principals and capabilities").
 *
 * Format: `wa_` + 43 base62 chars (32 random bytes) + 6 base62 chars of checksum (the first 40 bits of
 * SHA-256 over the secret part). The checksum lets us reject a mistyped or truncated key without a
 * database lookup, and lets secret scanners recognise our keys.
 *
 * Only SHA-256(whole key) is stored. A plain (unsalted) hash is sound here because the secret has 256
 * bits of entropy: there is nothing to brute-force, and the hash must be deterministic to be looked up.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { CAPABILITIES, type Capability, type Principal } from '../core/types.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { rowToApiKey, type ApiKeyInfo } from '../store/repositories/api-keys.js';

export type { ApiKeyInfo } from '../store/repositories/api-keys.js';

export const API_KEY_PREFIX = 'wa_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** ceil(256 / log2(62)) = 43 chars hold 32 bytes. */
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
/** Characters of the key kept in clear (in the DB and lists) so a person can tell keys apart. */
const DISPLAY_PREFIX_LENGTH = 10;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + SECRET_LENGTH + CHECKSUM_LENGTH;
const KEY_SHAPE = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`);

/** lastUsedAt is refreshed at most this often per key, so authentication is not a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
/** A verified key's principal is reused for at most this long, and only while the database is unchanged. */
export const VERIFIED_KEY_TTL_MS = 5_000;
/** Bound of the verified-key cache (only keys that verified get in, so only holders of live keys fill it). */
const VERIFIED_KEY_CACHE_MAX = 1_000;
export const MAX_KEY_NAME_LENGTH = 100;

function base62(value: bigint, width: number): string {
  let out = '';
  let v = value;
  while (v > 0n) {
    out = BASE62[Number(v % 62n)] + out;
    v /= 62n;
  }
  return out.padStart(width, '0');
}

function checksumOf(secret: string): string {
  const digest = createHash('sha256').update(secret).digest();
  // 40 bits reduced into 6 base62 chars (62^6 ~ 2^35.7): a typo passes with probability ~2^-35.
  const n = BigInt('0x' + digest.subarray(0, 5).toString('hex')) % 62n ** BigInt(CHECKSUM_LENGTH);
  return base62(n, CHECKSUM_LENGTH);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True when s has the shape of one of our keys and its checksum matches. Never touches the store. */
export function isWellFormedApiKey(s: unknown): s is string {
  if (typeof s !== 'string' || s.length !== API_KEY_LENGTH || !KEY_SHAPE.test(s)) return false;
  const secret = s.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + SECRET_LENGTH);
  const checksum = s.slice(API_KEY_PREFIX.length + SECRET_LENGTH);
  // The checksum is not a secret (it is derived from the key the caller already holds): plain compare is fine.
  return checksumOf(secret) === checksum;
}

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const secret = base62(BigInt('0x' + randomBytes(32).toString('hex')), SECRET_LENGTH);
  const key = API_KEY_PREFIX + secret + checksumOf(secret);
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

export interface ApiKeyServiceOptions {
  store: Store;
  now?: () => number;
  newId?: () => string;
}

export interface ApiKeyService {
  /** Creates a key; `key` is the only time the secret is ever available. */
  create(organizationId: string, name: unknown, capabilities: unknown): { key: string; info: ApiKeyInfo };
  list(organizationId: string): ApiKeyInfo[];
  /** False when the key does not exist in that organization or is already revoked. */
  revoke(organizationId: string, id: string): boolean;
  /** The key's principal, or null for anything that is not a live key. Never throws for bad input. */
  authenticate(raw: unknown): Principal | null;
}

function validateName(name: unknown): string {
  if (typeof name !== 'string') throw new ValidationError('name must be a string', { field: 'name' });
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > MAX_KEY_NAME_LENGTH) {
    throw new ValidationError(`name must be 1 to ${MAX_KEY_NAME_LENGTH} characters`, { field: 'name' });
  }
  return trimmed;
}

function validateCapabilities(capabilities: unknown): Capability[] {
  if (!Array.isArray(capabilities) || capabilities.length === 0) {
    throw new ValidationError('capabilities must be a non-empty list of read, send, manage', {
      field: 'capabilities',
    });
  }
  const seen = new Set<Capability>();
  for (const c of capabilities) {
    if (typeof c !== 'string' || !(CAPABILITIES as readonly string[]).includes(c)) {
      throw new ValidationError(`unknown capability ${JSON.stringify(c)}; allowed: ${CAPABILITIES.join(', ')}`, {
        field: 'capabilities',
      });
    }
    if (seen.has(c as Capability)) {
      throw new ValidationError(`capability ${c} is listed twice`, { field: 'capabilities' });
    }
    seen.add(c as Capability);
  }
  // Stored in canonical order so equal sets look equal.
  return CAPABILITIES.filter((c) => seen.has(c));
}

interface VerifiedKey {
  principal: Principal;
  verifiedAt: number;
  /** `total_changes()` and `data_version` of the connection when the row was read. */
  changes: number;
  dataVersion: number;
}

/**
 * Verified keys of one database connection, keyed by SHA-256 of the key (never the key itself), so a key
 * that keeps calling skips the checksum and the row lookup (~4 % of the CPU of a list-messages request,
 * docs/BENCHMARKS.md). An entry is used only while, since its row was read:
 *  - no row of the database changed through this connection (`total_changes()`: a revoke through any
 *    service or repository call on it, or any other write) and no other connection committed anything
 *    (`PRAGMA data_version`: `wagw keys revoke` from another process), and
 *  - less than VERIFIED_KEY_TTL_MS passed.
 * So a revoked key is refused from the next request on, exactly as without the cache; while messages are
 * being written the cache simply misses. Reading both counters cost 6-8 us against 50-65 us for checksum, hash
 * and row lookup (one in-process measurement, loaded machine).
 * The cache belongs to the connection (WeakMap), so every service over one store shares it.
 */
interface VerifiedKeyCache {
  entries: Map<string, VerifiedKey>;
  /** [total_changes(), data_version] of the connection now. */
  version(): [number, number];
}

const verifiedKeyCaches = new WeakMap<object, VerifiedKeyCache>();

function verifiedKeyCacheOf(store: Store): VerifiedKeyCache {
  let cache = verifiedKeyCaches.get(store.db);
  if (!cache) {
    // Two plain statements: about half the cost of one SELECT over the pragma_data_version table function.
    const changes = store.db.prepare('SELECT total_changes()').pluck();
    const dataVersion = store.db.prepare('PRAGMA data_version').pluck();
    cache = { entries: new Map(), version: () => [changes.get() as number, dataVersion.get() as number] };
    verifiedKeyCaches.set(store.db, cache);
  }
  return cache;
}

const copyPrincipal = (p: Principal): Principal => ({ ...p, capabilities: [...p.capabilities] });

export function createApiKeyService(options: ApiKeyServiceOptions): ApiKeyService {
  const { store } = options;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => ulid());
  const cache = verifiedKeyCacheOf(store);

  return {
    create(organizationId, name, capabilities) {
      const cleanName = validateName(name);
      const caps = validateCapabilities(capabilities);
      if (!store.organizations.get(organizationId)) throw new NotFoundError('organization not found');
      const { key, prefix, hash } = generateApiKey();
      const row = store.apiKeys.insert({
        id: newId(),
        organizationId,
        name: cleanName,
        prefix,
        secretHash: hash,
        capabilities: caps,
        now: now(),
      });
      return { key, info: rowToApiKey(row) };
    },

    list(organizationId) {
      return store.apiKeys.listByOrg(organizationId).map(rowToApiKey);
    },

    revoke(organizationId, id) {
      // The write below invalidates the cache by itself (total_changes); clearing it too keeps that obvious.
      cache.entries.clear();
      return store.apiKeys.revoke(organizationId, id, now());
    },

    authenticate(raw) {
      // The shape test is cheap and keeps junk away from the hash; the checksum is only needed on a miss.
      if (typeof raw !== 'string' || raw.length !== API_KEY_LENGTH || !KEY_SHAPE.test(raw)) return null;
      const hash = hashApiKey(raw);
      const t = now();
      // A failing read (closed or corrupt DB) propagates: that is a server fault (500), not a bad key.
      const [changes, dataVersion] = cache.version();
      const hit = cache.entries.get(hash);
      if (hit) {
        if (hit.changes === changes && hit.dataVersion === dataVersion && t >= hit.verifiedAt && t - hit.verifiedAt < VERIFIED_KEY_TTL_MS) {
          return copyPrincipal(hit.principal);
        }
        cache.entries.delete(hash);
      }
      if (!isWellFormedApiKey(raw)) return null;
      const row = store.apiKeys.findActiveByHash(hash);
      if (!row) return null;
      // The row carries the last write, so the throttle holds across restarts and processes.
      const capabilities = rowToApiKey(row).capabilities.filter((c) => CAPABILITIES.includes(c));
      const principal: Principal = { kind: 'api_key', keyId: row.id, organizationId: row.organization_id, capabilities };
      if (row.last_used_at === null || t - row.last_used_at >= LAST_USED_RESOLUTION_MS) {
        try {
          store.apiKeys.touchLastUsed(row.id, t);
        } catch {
          // lastUsedAt is informational; a busy database must not deny a valid key.
        }
        // Not cached this time: the write moved total_changes, and re-reading the counters now could hide a
        // revoke another process committed since the row was read. The next request caches it.
        return principal;
      }
      if (cache.entries.size >= VERIFIED_KEY_CACHE_MAX) cache.entries.clear();
      // The counters were read before the row: a commit in between makes the entry miss, never hit stale.
      cache.entries.set(hash, { principal: copyPrincipal(principal), verifiedAt: t, changes, dataVersion });
      return principal;
    },
  };
}
