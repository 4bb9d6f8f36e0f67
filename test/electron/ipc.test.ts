import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { handleGetToken, jwtExpiresAt, registerIpcHandlers } from '../../src-main/electron/ipc.js';
import { IPC_GET_TOKEN } from '../../src-main/preload/api.js';

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

describe('registerIpcHandlers', () => {
  it('registers exactly the token channel and removes it again', async () => {
    const handlers = new Map<string, (event: unknown) => unknown>();
    const ipcMain = {
      handle: vi.fn((channel: string, fn: (event: unknown) => unknown) => void handlers.set(channel, fn)),
      removeHandler: vi.fn((channel: string) => void handlers.delete(channel)),
    };
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await realJwt(exp);
    const remove = registerIpcHandlers(ipcMain as never, { gatewayOrigin: ORIGIN, mintLoginToken: async () => token });
    expect([...handlers.keys()]).toEqual([IPC_GET_TOKEN]);
    await expect(handlers.get(IPC_GET_TOKEN)!(frameEvent(`${ORIGIN}/`))).resolves.toEqual({ token, expiresAt: exp * 1000 });
    remove();
    expect(handlers.size).toBe(0);
  });
});
