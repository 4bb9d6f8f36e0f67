/** The browser's stored refresh token (lib/logic/sign-in.ts) and the header's connection summary (lib/logic/connection.ts). */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../src-main/core/types.js';
import { connectionSummary } from '../../src-renderer/src/lib/logic/connection.js';
import { REFRESH_STORAGE_KEY, RefreshTokenStore, type KeyValueStorage } from '../../src-renderer/src/lib/logic/sign-in.js';

function memoryStorage(): KeyValueStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('RefreshTokenStore', () => {
  it('keeps the refresh token of a grant and hands it back while it may still work', () => {
    const storage = memoryStorage();
    const store = new RefreshTokenStore(storage);
    expect(store.load(1000)).toBeNull();
    store.save({ refreshToken: 'wrt_a', refreshExpiresAt: 5000 });
    expect(store.load(4999)).toEqual({ token: 'wrt_a', expiresAt: 5000 });
    // Rotation: the next grant replaces it.
    store.save({ refreshToken: 'wrt_b', refreshExpiresAt: 9000 });
    expect(store.load(4999)?.token).toBe('wrt_b');
  });

  it('drops an expired or broken entry instead of sending a request bound to fail', () => {
    const storage = memoryStorage();
    const store = new RefreshTokenStore(storage);
    store.save({ refreshToken: 'wrt_a', refreshExpiresAt: 5000 });
    expect(store.load(5000)).toBeNull();
    expect(storage.map.has(REFRESH_STORAGE_KEY)).toBe(false);
    for (const raw of ['{', 'null', '{"token":"","expiresAt":9}', '{"token":"x"}', '{"token":"x","expiresAt":"9999999999999"}']) {
      storage.setItem(REFRESH_STORAGE_KEY, raw);
      expect(store.load(0)).toBeNull();
      expect(storage.map.has(REFRESH_STORAGE_KEY)).toBe(false);
    }
  });

  it('ignores grants without a refresh token (the desktop app), clears on sign-out, survives a throwing storage', () => {
    const storage = memoryStorage();
    const store = new RefreshTokenStore(storage);
    store.save({ refreshToken: 'wrt_a', refreshExpiresAt: 5000 });
    store.save({});
    expect(store.load(0)?.token).toBe('wrt_a');
    store.clear();
    expect(store.load(0)).toBeNull();
    const broken = new RefreshTokenStore({
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    });
    expect(() => broken.save({ refreshToken: 'wrt_a', refreshExpiresAt: 5000 })).not.toThrow();
    expect(broken.load(0)).toBeNull();
    expect(new RefreshTokenStore(null).load(0)).toBeNull();
  });
});

describe('connectionSummary (the header)', () => {
  const base: Session = {
    id: 's',
    label: 'Sandbox 2',
    status: 'working',
    live: true,
    sandbox: true,
    phoneNumber: null,
    waJid: null,
    waLid: null,
    autoRead: false,
    presenceTyping: false,
    organizationId: 'o',
    createdAt: 0,
    updatedAt: 0,
    lastConnectedAt: null,
    sync: { state: 'complete', progress: 100 },
    lastError: null,
  };

  it('is green "Live" only when the socket is open and the selected session is connected', () => {
    expect(connectionSummary('open', base)).toMatchObject({ label: 'Live', tone: 'ok' });
    expect(connectionSummary('open', { ...base, status: 'stopped', live: false })).toMatchObject({ label: 'Stopped', tone: 'off' });
    expect(connectionSummary('open', { ...base, status: 'scan_qr_code', live: false }).tone).toBe('warn');
    expect(connectionSummary('reconnecting', base)).toMatchObject({ label: 'Reconnecting…', tone: 'warn' });
    expect(connectionSummary('stopped', base)).toMatchObject({ label: 'Offline', tone: 'off' });
    expect(connectionSummary('open', undefined).tone).toBe('off');
  });

  it('says why a session is down, and that it is retrying', () => {
    const lastError = { code: 'unreachable' as const, reason: "Can't reach WhatsApp (timeout)", at: 1 };
    const failed = connectionSummary('open', { ...base, status: 'failed', live: false, lastError });
    expect(failed).toMatchObject({ label: 'Failed', tone: 'bad' });
    expect(failed.detail).toContain("Can't reach WhatsApp (timeout)");
    expect(connectionSummary('open', { ...base, status: 'starting', live: false, lastError })).toMatchObject({ label: 'Retrying…', tone: 'warn' });
    expect(connectionSummary('open', { ...base, status: 'starting', live: false })).toMatchObject({ label: 'Connecting…', tone: 'busy' });
  });
});
