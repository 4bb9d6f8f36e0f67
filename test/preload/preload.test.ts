/**
 * The preload against a fake 'electron': it must expose exactly one narrow object and nothing else.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_GET_TOKEN, IPC_OPEN_DOCUMENT, isLoginToken, isOpenDocumentResult, parseApiBaseArg, parseOpenDocumentRequest } from '../../src-main/preload/api.js';
import { buildBridge } from '../../src-main/preload/bridge.js';

vi.mock('electron', async () => (await import('../electron/fake-electron.js')).electronModule);

const API_BASE = 'http://127.0.0.1:7480/api/v1';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJvd25lciJ9.c2ln';
const originalArgv = process.argv;

/**
 * Runs the preload once, as Electron would, with the given renderer argv; returns the fake Electron's
 * record (a fresh module registry each time, so the preload's top-level code runs again).
 */
async function loadPreload(argv: string[]) {
  process.argv = argv;
  // The mocked 'electron' stays bound to the fake instance it was first created with; use that one.
  const electron = (await import('electron')) as unknown as { __fake: typeof import('../electron/fake-electron.js') };
  const fake = electron.__fake;
  fake.resetFakeElectron();
  try {
    await import('../../src-main/preload/index.js');
    return { state: fake.state, error: null };
  } catch (error) {
    return { state: fake.state, error };
  }
}

beforeEach(() => {
  vi.resetModules();
});
afterEach(() => {
  process.argv = originalArgv;
});

describe('preload index', () => {
  it('exposes exactly one key, wagw, with exactly apiBase, getToken and openDocument', async () => {
    const { state, error } = await loadPreload(['electron', '--type=renderer', `--wagw-api-base=${API_BASE}`]);
    expect(error).toBeNull();
    expect(state.exposed).toHaveLength(1);
    const { key, api } = state.exposed[0]!;
    expect(key).toBe('wagw');
    expect(Object.keys(api as object).sort()).toEqual(['apiBase', 'getToken', 'openDocument']);
    expect((api as { apiBase: string }).apiBase).toBe(API_BASE);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('getToken asks main on the one channel, with no arguments, and returns only the token shape', async () => {
    const { state } = await loadPreload(['electron', `--wagw-api-base=${API_BASE}`]);
    const api = state.exposed[0]!.api as { getToken(...args: unknown[]): Promise<unknown> };
    state.invokeReply = { token: TOKEN, expiresAt: 1_700_000_000_000 };
    await expect(api.getToken('wagw:something-else', { evil: true })).resolves.toEqual({ token: TOKEN, expiresAt: 1_700_000_000_000 });
    expect(state.invoked).toEqual([IPC_GET_TOKEN]);
  });

  it('rejects a reply that is not a token instead of passing it to the page', async () => {
    const { state } = await loadPreload(['electron', `--wagw-api-base=${API_BASE}`]);
    const api = state.exposed[0]!.api as { getToken(): Promise<unknown> };
    for (const reply of [undefined, null, 'token', { token: TOKEN }, { token: 'x', expiresAt: 1 }, { token: TOKEN, expiresAt: 1, extra: 'leak' }]) {
      state.invokeReply = reply;
      await expect(api.getToken()).rejects.toThrow(/no valid token/);
    }
  });

  it('openDocument sends main a fresh copy of exactly the four checked fields on its own channel', async () => {
    const { state } = await loadPreload(['electron', `--wagw-api-base=${API_BASE}`]);
    const api = state.exposed[0]!.api as { openDocument(ref: unknown): Promise<unknown> };
    state.invokeReply = { ok: true, fileName: 'notes.pdf' };
    const ref = { sessionId: '01JSESSION0000000000000000', scope: 'chat', jid: '15550001111@s.whatsapp.net', messageId: '3EB0AB' };
    await expect(api.openDocument(ref)).resolves.toEqual({ ok: true, fileName: 'notes.pdf' });
    expect(state.invoked).toEqual([IPC_OPEN_DOCUMENT]);
    expect(state.invokedArgs).toEqual([[ref]]);
    expect(state.invokedArgs[0]![0]).not.toBe(ref);
    // A bad reference never reaches main; a reply of another shape never reaches the page.
    await expect(api.openDocument({ ...ref, path: '/etc/passwd' })).resolves.toEqual({ ok: false, error: expect.stringMatching(/bad reference/) });
    await expect(api.openDocument({ ...ref, jid: '../x@s.whatsapp.net' })).resolves.toMatchObject({ ok: false });
    expect(state.invoked).toEqual([IPC_OPEN_DOCUMENT]);
    state.invokeReply = { ok: true, fileName: 'a.pdf', path: '/tmp/a.pdf' };
    await expect(api.openDocument(ref)).rejects.toThrow(/no valid answer/);
  });

  it('refuses to start without the API base argument (exposes nothing)', async () => {
    const { state, error } = await loadPreload(['electron', '--type=renderer']);
    expect(String(error)).toMatch(/--wagw-api-base/);
    expect(state.exposed).toHaveLength(0);
  });
});

describe('api helpers', () => {
  it('parseApiBaseArg accepts only http(s) URLs without credentials', () => {
    expect(parseApiBaseArg([`--wagw-api-base=${API_BASE}`])).toBe(API_BASE);
    expect(parseApiBaseArg(['--wagw-api-base=javascript:alert(1)'])).toBeNull();
    expect(parseApiBaseArg(['--wagw-api-base=http://u:p@127.0.0.1/'])).toBeNull();
    expect(parseApiBaseArg(['--wagw-api-base='])).toBeNull();
    expect(parseApiBaseArg([])).toBeNull();
  });

  it('isLoginToken checks the exact shape', () => {
    expect(isLoginToken({ token: TOKEN, expiresAt: 1 })).toBe(true);
    expect(isLoginToken({ token: TOKEN, expiresAt: Number.NaN })).toBe(false);
    expect(isLoginToken({ token: 'a.b', expiresAt: 1 })).toBe(false);
  });

  it('parseOpenDocumentRequest and isOpenDocumentResult check the exact shapes', () => {
    const ref = { sessionId: 'sess_1', scope: 'channel', jid: '120363012345678901@newsletter', messageId: 'ABC-1_2' };
    expect(parseOpenDocumentRequest(ref)).toEqual(ref);
    expect(parseOpenDocumentRequest({ ...ref, jid: '1203630@g.us' })).not.toBeNull();
    expect(parseOpenDocumentRequest({ ...ref, jid: '99887766554433@lid' })).not.toBeNull();
    for (const bad of [null, 'x', [], { ...ref, scope: 'group' }, { ...ref, sessionId: 'a/b' }, { ...ref, messageId: 'a b' }, { ...ref, jid: 'x@y/z' }, { ...ref, jid: 'no-at-sign' }, { ...ref, messageId: 'x'.repeat(129) }]) {
      expect(parseOpenDocumentRequest(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(isOpenDocumentResult({ ok: true, fileName: 'a.pdf' })).toBe(true);
    expect(isOpenDocumentResult({ ok: false, error: 'no' })).toBe(true);
    expect(isOpenDocumentResult({ ok: 'yes', fileName: 'a.pdf' })).toBe(false);
    expect(isOpenDocumentResult({ ok: false, error: 1 })).toBe(false);
  });

  it('buildBridge passes only the channel name to invoke', async () => {
    const calls: unknown[][] = [];
    const bridge = buildBridge([`--wagw-api-base=${API_BASE}`], async (...args) => {
      calls.push(args);
      return { token: TOKEN, expiresAt: 5 };
    });
    await bridge.getToken();
    expect(calls).toEqual([[IPC_GET_TOKEN]]);
  });
});
