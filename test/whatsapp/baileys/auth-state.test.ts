import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { proto, type KeyPair } from '@whiskeysockets/baileys';
import { AppError } from '../../../src-main/core/errors.js';
import { createSqliteAuthState, credsArePaired } from '../../../src-main/whatsapp/baileys/auth-state.js';
import { fakeAccount } from './fake-socket.js';
import { SESSION_ID, tempStore, type TempStore } from './harness.js';
import { seedSessionRow } from '../../helpers/store.js';

const logger = pino({ level: 'silent' });

function keyRows(t: TempStore): { type: string; id: string }[] {
  return t.store.db
    .prepare('SELECT type, id FROM wa_auth_keys WHERE session_id = ? ORDER BY type, id')
    .all(SESSION_ID) as { type: string; id: string }[];
}

describe('createSqliteAuthState', () => {
  let t: TempStore;
  beforeEach(() => {
    t = tempStore();
  });
  afterEach(() => t.cleanup());

  it('starts with fresh unpaired creds and writes nothing until saveCreds', () => {
    const auth = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    expect(auth.isPaired()).toBe(false);
    expect(auth.state.creds.registered).toBe(false);
    expect(Buffer.isBuffer(auth.state.creds.noiseKey.public)).toBe(true);
    expect(t.store.authState.getCreds(SESSION_ID)).toBeUndefined();
    auth.saveCreds();
    expect(t.store.authState.getCreds(SESSION_ID)).toContain('"noiseKey"');
  });

  it('round-trips creds and keys through the file into a second store instance, Buffers intact', async () => {
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    Object.assign(a.state.creds, fakeAccount(), { accountSyncCounter: 3 });
    a.saveCreds();
    const preKey: KeyPair = { public: Buffer.alloc(33, 7), private: Buffer.alloc(32, 9) };
    await a.state.keys.set({
      'pre-key': { '1': preKey, '2': preKey },
      session: { '6281111111111.0': Buffer.from([1, 2, 3, 250]) },
      'app-state-sync-key': {
        AAAAAQ: { keyData: Buffer.alloc(32, 1), timestamp: 1_700_000_000, fingerprint: { rawId: 5, currentIndex: 1 } },
      },
      'lid-mapping': { '6281111111111': '999888777@lid' },
      'device-list': { '6281111111111': ['0', '3'] },
      'sender-key-memory': { '120363000000000000@g.us': { '6281111111111@s.whatsapp.net': true } },
    });
    await a.state.keys.set({ 'pre-key': { '2': null } }); // null = delete

    const second = t.reopen();
    const b = createSqliteAuthState(second.authState, SESSION_ID, logger);
    expect(b.isPaired()).toBe(true);
    expect(b.state.creds.me?.id).toBe(fakeAccount().me?.id);
    expect(b.state.creds.accountSyncCounter).toBe(3);
    expect(Buffer.isBuffer(b.state.creds.noiseKey.private)).toBe(true);
    expect(Buffer.compare(b.state.creds.noiseKey.private, a.state.creds.noiseKey.private)).toBe(0);
    expect(Buffer.compare(b.state.creds.signedPreKey.signature, a.state.creds.signedPreKey.signature)).toBe(0);
    expect(Buffer.isBuffer(b.state.creds.account?.accountSignatureKey)).toBe(true);

    const preKeys = await b.state.keys.get('pre-key', ['1', '2', '3']);
    expect(Object.keys(preKeys)).toEqual(['1']);
    expect(Buffer.isBuffer(preKeys['1']?.public)).toBe(true);
    expect(Buffer.compare(Buffer.from(preKeys['1']!.private), preKey.private as Buffer)).toBe(0);

    const sessions = await b.state.keys.get('session', ['6281111111111.0']);
    expect([...Buffer.from(sessions['6281111111111.0']!)]).toEqual([1, 2, 3, 250]);

    const sync = await b.state.keys.get('app-state-sync-key', ['AAAAAQ']);
    const key = sync['AAAAAQ'];
    expect(key).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.compare(Buffer.from(key!.keyData!), Buffer.alloc(32, 1))).toBe(0);
    expect(key!.fingerprint?.rawId).toBe(5);

    expect(await b.state.keys.get('lid-mapping', ['6281111111111'])).toEqual({ '6281111111111': '999888777@lid' });
    expect(await b.state.keys.get('device-list', ['6281111111111'])).toEqual({ '6281111111111': ['0', '3'] });
    expect(await b.state.keys.get('sender-key-memory', ['120363000000000000@g.us'])).toEqual({
      '120363000000000000@g.us': { '6281111111111@s.whatsapp.net': true },
    });
  });

  it('a keys.set whose transaction fails mid-way leaves nothing half-written', async () => {
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    await a.state.keys.set({ session: { keep: Buffer.from('old') } });
    // The third row of the commit aborts inside SQLite, after two rows were already written by the statement loop.
    t.store.db.exec(`CREATE TRIGGER fail_boom BEFORE INSERT ON wa_auth_keys WHEN NEW.id = 'boom'
      BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`);
    await expect(
      a.state.keys.set({
        session: { keep: Buffer.from('new'), fresh: Buffer.from('x') },
        'pre-key': { boom: { public: Buffer.alloc(1), private: Buffer.alloc(1) } },
      }),
    ).rejects.toThrow(/simulated disk failure/);
    expect(keyRows(t)).toEqual([{ type: 'session', id: 'keep' }]);
    const fresh = createSqliteAuthState(t.store.authState, SESSION_ID, logger); // a new cache: reads the file
    const got = await fresh.state.keys.get('session', ['keep', 'fresh']);
    expect(Buffer.from(got['keep']!).toString()).toBe('old');
    expect(got['fresh']).toBeUndefined();
  });

  it('a value that cannot be serialised fails the whole set before anything is written', async () => {
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    await expect(
      a.state.keys.set({
        session: { one: Buffer.from('1') },
        'lid-mapping': { bad: 10n as unknown as string },
      }),
    ).rejects.toThrow(/BigInt/);
    expect(keyRows(t)).toEqual([]);
  });

  it('clear() deletes creds and keys, and late writes from the old key store are dropped', async () => {
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    Object.assign(a.state.creds, fakeAccount());
    a.saveCreds();
    const oldKeys = a.state.keys;
    await oldKeys.set({ session: { s: Buffer.from('1') } });
    a.clear();
    expect(t.store.authState.getCreds(SESSION_ID)).toBeUndefined();
    expect(keyRows(t)).toEqual([]);
    expect(a.isPaired()).toBe(false);
    await oldKeys.set({ session: { late: Buffer.from('2') } }); // a socket still winding down
    expect(keyRows(t)).toEqual([]);
    await a.state.keys.set({ session: { next: Buffer.from('3') } }); // the new identity's store works
    expect(keyRows(t)).toEqual([{ type: 'session', id: 'next' }]);
  });

  it('resetCreds() persists fresh creds (no me) and drops the keys', async () => {
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    a.state.creds.me = { id: '6281234567890@s.whatsapp.net', name: '~' };
    a.state.creds.pairingCode = 'ABCDEFGH';
    a.saveCreds();
    await a.state.keys.set({ 'pre-key': { '1': { public: Buffer.alloc(1), private: Buffer.alloc(1) } } });
    const oldNoise = Buffer.from(a.state.creds.noiseKey.public);
    a.resetCreds();
    expect(a.state.creds.me).toBeUndefined();
    expect(keyRows(t)).toEqual([]);
    const reloaded = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    expect(reloaded.state.creds.me).toBeUndefined();
    expect(reloaded.state.creds.pairingCode).toBeUndefined();
    expect(Buffer.compare(Buffer.from(reloaded.state.creds.noiseKey.public), oldNoise)).not.toBe(0);
  });

  it('unreadable stored creds are a clear AppError, not a silent unpairing', () => {
    t.store.authState.saveCreds(SESSION_ID, '{not json');
    let err: unknown;
    try {
      createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/credentials .* unreadable/);
  });

  it('an unreadable key row is skipped (treated as missing) instead of throwing into Baileys', async () => {
    t.store.authState.setKeys(SESSION_ID, [
      { type: 'session', id: 'bad', value: '{oops' },
      { type: 'session', id: 'good', value: JSON.stringify({ type: 'Buffer', data: 'AQI=' }) },
    ]);
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    const got = await a.state.keys.get('session', ['bad', 'good']);
    expect(Object.keys(got)).toEqual(['good']);
    expect([...Buffer.from(got['good']!)]).toEqual([1, 2]);
  });

  it('credsArePaired needs creds.account, not just creds.me (a pairing code sets me early)', () => {
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    a.state.creds.me = { id: '6281234567890@s.whatsapp.net', name: '~' };
    a.state.creds.registered = true;
    expect(credsArePaired(a.state.creds)).toBe(false);
    Object.assign(a.state.creds, fakeAccount());
    expect(credsArePaired(a.state.creds)).toBe(true);
  });

  it('keeps sessions apart', async () => {
    seedSessionRow(t.store, { id: 'ses_other', organizationId: 'org_test', label: 'other' });
    const a = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    const b = createSqliteAuthState(t.store.authState, 'ses_other', logger);
    await a.state.keys.set({ session: { same: Buffer.from('a') } });
    await b.state.keys.set({ session: { same: Buffer.from('b') } });
    const fresh = createSqliteAuthState(t.store.authState, 'ses_other', logger);
    expect(Buffer.from((await fresh.state.keys.get('session', ['same']))['same']!).toString()).toBe('b');
  });
});
