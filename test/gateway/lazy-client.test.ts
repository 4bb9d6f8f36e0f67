import { describe, expect, it } from 'vitest';
import type { ClientContext, WhatsAppClient, WhatsAppClientFactory } from '../../src-main/core/whatsapp-port.js';
import { lazyFactory } from '../../src-main/gateway/lazy-client.js';
import { unusedActions } from '../helpers/fake-client.js';

function recordingFactory(log: string[]): WhatsAppClientFactory {
  return (ctx: ClientContext) =>
    ({
      ...unusedActions,
      sandbox: false,
      connect: async () => void log.push(`connect ${ctx.sessionId}`),
      close: async () => void log.push(`close ${ctx.sessionId}`),
      logout: async () => void log.push('logout'),
      requestPairingCode: async () => 'CODE',
      sendPresence: async (jid, state) => void log.push(`presence ${jid} ${state}`),
      sendText: async () => ({ waMessageId: 'X', status: 'pending', timestamp: 1 }),
      createChannel: async () => {
        throw new Error('unused');
      },
      followChannel: async () => {},
      fetchHistory: async () => {},
      groupMetadata: async (jid: string) => ({ jid }),
    }) satisfies WhatsAppClient;
}

const ctx = (sessionId: string): ClientContext => ({ sessionId, organizationId: 'o', fullHistory: false, hooks: { onUpdate() {} } });

describe('lazyFactory', () => {
  it('clients made before the real factory loads wait for it, then delegate', async () => {
    const log: string[] = [];
    let load!: (f: WhatsAppClientFactory) => void;
    const factory = lazyFactory(new Promise((r) => (load = r)), true);
    const client = factory(ctx('a'));
    expect(client.sandbox).toBe(true);
    const connecting = client.connect();
    const presence = client.sendPresence('1@s.whatsapp.net', 'composing');
    // Every pending callback has run: still nothing reached a real client.
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual([]);
    load(recordingFactory(log));
    await connecting;
    await presence;
    expect(log).toEqual(['connect a', 'presence 1@s.whatsapp.net composing']);
    expect(await client.requestPairingCode('62')).toBe('CODE');
    // after the load, new clients are the real ones
    await factory(ctx('b')).connect();
    expect(log.at(-1)).toBe('connect b');
  });

  it('closing a client that never connected makes no real client', async () => {
    const log: string[] = [];
    const factory = lazyFactory(new Promise(() => {}), false);
    await factory(ctx('c')).close();
    expect(log).toEqual([]);
  });

  it('a failed load fails connect with the load error', async () => {
    const factory = lazyFactory(Promise.reject(new Error('no baileys')), false);
    await expect(factory(ctx('d')).connect()).rejects.toThrow('no baileys');
  });
});
