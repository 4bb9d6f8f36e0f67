import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { handleGetToken, handleOpenDocument, jwtExpiresAt, registerIpcHandlers } from '../../src-main/electron/ipc.js';
import { IPC_GET_TOKEN, IPC_OPEN_DOCUMENT } from '../../src-main/preload/api.js';

const ORIGIN = 'http://127.0.0.1:7480';

async function realJwt(expSeconds: number): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ org: 'org_1', role: 'owner' })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('owner')
    .setExpirationTime(expSeconds)
    .sign(privateKey);
}

function frameEvent(url: string | null) {
  return { senderFrame: url === null ? null : ({ url } as never) };
}

describe('jwtExpiresAt', () => {
  it('reads exp of a real signed JWT as epoch milliseconds', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    expect(jwtExpiresAt(await realJwt(exp))).toBe(exp * 1000);
  });

  it('refuses tokens without a usable exp', () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(() => jwtExpiresAt('abc')).toThrow(/compact JWT/);
    expect(() => jwtExpiresAt(`${b64({ alg: 'none' })}.${b64({ sub: 'x' })}.sig`)).toThrow(/exp/);
    expect(() => jwtExpiresAt(`${b64({ alg: 'none' })}.${b64({ exp: '1' })}.sig`)).toThrow(/exp/);
    expect(() => jwtExpiresAt('a.!!!notjson.c')).toThrow(/JSON/);
  });
});

describe('handleGetToken', () => {
  it('mints a fresh token for a frame on the gateway origin', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const tokens = [await realJwt(exp), await realJwt(exp + 1)];
    const mintLoginToken = vi.fn(async () => tokens.shift()!);
    const deps = { gatewayOrigin: ORIGIN, mintLoginToken };
    const first = await handleGetToken(frameEvent(`${ORIGIN}/chats`), deps);
    const second = await handleGetToken(frameEvent(`${ORIGIN}/`), deps);
    expect(first.expiresAt).toBe(exp * 1000);
    expect(second.expiresAt).toBe((exp + 1) * 1000);
    expect(first.token).not.toBe(second.token);
    expect(mintLoginToken).toHaveBeenCalledTimes(2);
  });

  it.each([null, 'https://evil.com/', 'http://127.0.0.1:7481/', 'http://127.0.0.1.evil.com:7480/', 'file:///index.html', 'about:blank'])(
    'refuses sender frame %j without minting',
    async (url) => {
      const mintLoginToken = vi.fn(async () => 'never');
      await expect(handleGetToken(frameEvent(url), { gatewayOrigin: ORIGIN, mintLoginToken })).rejects.toThrow(/untrusted sender/);
      expect(mintLoginToken).not.toHaveBeenCalled();
    },
  );
});

const REF = { sessionId: '01JSESSION0000000000000000', scope: 'chat', jid: '15550001111@s.whatsapp.net', messageId: '3EB0ABCDEF' } as const;

describe('handleOpenDocument', () => {
  it('hands a checked copy of the reference to the opener for a frame on the gateway origin', async () => {
    const openDocument = vi.fn(async () => ({ ok: true as const, fileName: 'notes.pdf' }));
    await expect(handleOpenDocument(frameEvent(`${ORIGIN}/`), { ...REF }, { gatewayOrigin: ORIGIN, openDocument })).resolves.toEqual({ ok: true, fileName: 'notes.pdf' });
    expect(openDocument).toHaveBeenCalledWith(REF);
  });

  it.each([null, 'https://evil.com/', 'http://127.0.0.1:7481/', 'file:///index.html'])('refuses sender frame %j without opening', async (url) => {
    const openDocument = vi.fn();
    await expect(handleOpenDocument(frameEvent(url), REF, { gatewayOrigin: ORIGIN, openDocument })).rejects.toThrow(/untrusted sender/);
    expect(openDocument).not.toHaveBeenCalled();
  });

  it.each([
    ['a path instead of a reference', '/etc/passwd'],
    ['an extra field', { ...REF, path: '/tmp/x' }],
    ['a traversal in the session', { ...REF, sessionId: '../../auth/login' }],
    ['a slash in the jid', { ...REF, jid: '1555/../x@s.whatsapp.net' }],
    ['a percent in the message id', { ...REF, messageId: '%2e%2e' }],
    ['an unknown scope', { ...REF, scope: 'file' }],
    ['a missing field', { sessionId: REF.sessionId, scope: 'chat', jid: REF.jid }],
  ])('answers a bad request (%s) without opening anything', async (_what, request) => {
    const openDocument = vi.fn();
    await expect(handleOpenDocument(frameEvent(`${ORIGIN}/`), request, { gatewayOrigin: ORIGIN, openDocument })).resolves.toEqual({
      ok: false,
      error: expect.stringMatching(/bad reference/),
    });
    expect(openDocument).not.toHaveBeenCalled();
  });
});

describe('registerIpcHandlers', () => {
  it('registers exactly the token and open-document channels and removes them again', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
    const ipcMain = {
      handle: vi.fn((channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) => void handlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
    };
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await realJwt(exp);
    const openDocument = vi.fn(async () => ({ ok: true as const, fileName: 'a.pdf' }));
    const remove = registerIpcHandlers(ipcMain as never, { gatewayOrigin: ORIGIN, mintLoginToken: async () => token, openDocument });
    expect([...handlers.keys()]).toEqual([IPC_GET_TOKEN, IPC_OPEN_DOCUMENT]);
    await expect(handlers.get(IPC_GET_TOKEN)!(frameEvent(`${ORIGIN}/`))).resolves.toEqual({ token, expiresAt: exp * 1000 });
    await expect(handlers.get(IPC_OPEN_DOCUMENT)!(frameEvent(`${ORIGIN}/`), REF)).resolves.toEqual({ ok: true, fileName: 'a.pdf' });
    remove();
    expect(handlers.size).toBe(0);
  });
});
