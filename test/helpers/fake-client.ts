/**
 * A WhatsAppClient test double at the port: it "connects" at once and records what the API asked of it.
 * Used only to exercise the API's live paths; the real adapters have their own tests.
 */
import { UpstreamError } from '../../src-main/core/errors.js';
import type { GroupMetadataRecord } from '../../src-main/core/types.js';
import type { ClientContext, WhatsAppClient, WhatsAppClientFactory } from '../../src-main/core/whatsapp-port.js';

/**
 * The issue-13 actions (sends of every kind, edits, revokes, read receipts) for test doubles that do not exercise
 * them: each rejects, so an unexpected call shows.
 */
export const unusedActions: Pick<WhatsAppClient, 'send' | 'editMessage' | 'revokeMessage' | 'sendReadReceipts'> = {
  send: async () => {
    throw new Error('send is not used by this test double');
  },
  editMessage: async () => {
    throw new Error('editMessage is not used by this test double');
  },
  revokeMessage: async () => {
    throw new Error('revokeMessage is not used by this test double');
  },
  sendReadReceipts: async () => {
    throw new Error('sendReadReceipts is not used by this test double');
  },
};

export interface FakeWorld {
  factory: WhatsAppClientFactory;
  presence: { sessionId: string; jid: string; state: string }[];
  follows: string[];
  created: { name: string; description?: string | undefined }[];
  contexts: ClientContext[];
  /** What the fake WhatsApp answers to groupMetadata (others: an upstream 404, like a group we are not in). */
  groups: Map<string, GroupMetadataRecord>;
}

export function fakeWorld(options: { pairImmediately?: boolean } = {}): FakeWorld {
  const world: FakeWorld = { factory: undefined as never, presence: [], follows: [], created: [], contexts: [], groups: new Map() };
  let channelCounter = 0;
  world.factory = (ctx) => {
    world.contexts.push(ctx);
    const me = { jid: '6280000000001@s.whatsapp.net', lid: '111111111111111@lid', phoneNumber: '6280000000001' };
    const client: WhatsAppClient = {
      ...unusedActions,
      sandbox: false,
      async connect() {
        ctx.hooks.onUpdate({ kind: 'connecting' });
        if (options.pairImmediately === false) {
          ctx.hooks.onUpdate({ kind: 'qr', code: 'QR-1', expiresAt: Date.now() + 60_000 });
          return;
        }
        ctx.hooks.onUpdate({ kind: 'open', me });
      },
      async close() {},
      async logout() {},
      async requestPairingCode() {
        return 'ABCD1234';
      },
      async sendPresence(jid, state) {
        world.presence.push({ sessionId: ctx.sessionId, jid, state });
      },
      async sendText(m) {
        return { waMessageId: `OUT${m.to.length}`, status: 'pending', timestamp: Date.now() };
      },
      // The API's POST .../messages goes through send() for every kind; this double accepts them all.
      async send(m) {
        return { waMessageId: `OUT${m.to.length}`, status: 'pending', timestamp: Date.now() };
      },
      async createChannel(name, description) {
        world.created.push({ name, description });
        channelCounter += 1;
        return {
          jid: `12036300000000000${channelCounter}@newsletter`,
          name,
          description: description ?? null,
          invite: null,
          subscribers: 0,
          createdAt: Date.now(),
        };
      },
      async followChannel(jid) {
        world.follows.push(jid);
      },
      async fetchHistory() {
        // Asked; a fake phone never answers.
      },
      async groupMetadata(jid) {
        const group = world.groups.get(jid);
        if (!group) throw new UpstreamError('WhatsApp could not tell the group\'s metadata: item-not-found', { statusCode: 404 });
        return structuredClone(group);
      },
    };
    return client;
  };
  return world;
}
