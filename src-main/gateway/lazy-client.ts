/**
 * A WhatsAppClientFactory whose real factory is still loading: each client it makes waits for the load, then
 * delegates to a real client. Lets the gateway answer HTTP before the WhatsApp modules are imported.
 */
import type { ClientContext, WhatsAppClient, WhatsAppClientFactory } from '../core/whatsapp-port.js';

export function lazyFactory(load: Promise<WhatsAppClientFactory>, sandbox: boolean): WhatsAppClientFactory {
  let ready: WhatsAppClientFactory | undefined;
  void load.then(
    (f) => {
      ready = f;
    },
    () => {
      // connect() reports the failure for each client
    },
  );
  return (ctx: ClientContext): WhatsAppClient => {
    if (ready) return ready(ctx);
    let real: Promise<WhatsAppClient> | undefined;
    const client = () => (real ??= load.then((f) => f(ctx)));
    return {
      sandbox,
      connect: async () => (await client()).connect(),
      close: async () => {
        // Nothing to close if the real client was never made.
        if (real) await (await real).close();
      },
      logout: async () => (await client()).logout(),
      requestPairingCode: async (phone) => (await client()).requestPairingCode(phone),
      sendPresence: async (jid, state) => (await client()).sendPresence(jid, state),
      sendText: async (message) => (await client()).sendText(message),
      createChannel: async (name, description) => (await client()).createChannel(name, description),
      followChannel: async (jid) => (await client()).followChannel(jid),
      fetchHistory: async (jid, oldest, count) => (await client()).fetchHistory(jid, oldest, count),
      groupMetadata: async (jid) => (await client()).groupMetadata(jid),
      send: async (message, options) => (await client()).send(message, options),
      editMessage: async (ref, text) => (await client()).editMessage(ref, text),
      revokeMessage: async (ref) => (await client()).revokeMessage(ref),
      sendReadReceipts: async (refs) => (await client()).sendReadReceipts(refs),
    };
  };
}
