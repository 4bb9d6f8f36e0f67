import {
  WAMessageStatus,
  WAMessageStubType,
  extractMessageContent,
  getContentType,
  proto,
  toNumber,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import {
  SANDBOX_DEFAULT_END_AT,
  generateMessages,
  generateSandboxAccount,
  planHistory,
} from '../../../src-main/whatsapp/sandbox/index.js';
import { serialise } from './helpers.js';

const account = generateSandboxAccount(7);

function kindOf(m: WAMessage): string {
  if (m.messageStubType) return `stub:${m.messageStubType}`;
  return getContentType(extractMessageContent(m.message) ?? undefined) ?? 'none';
}

describe('generateSandboxAccount', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateSandboxAccount(7);
    expect(serialise(again)).toBe(serialise(account));
    const other = generateSandboxAccount(8);
    expect(other.me.phone).not.toBe(account.me.phone);
    expect(other.messages.slice(0, 50).map((m) => m.key.id)).not.toEqual(account.messages.slice(0, 50).map((m) => m.key.id));
    expect(other.people.map((p) => p.pushName)).not.toEqual(account.people.map((p) => p.pushName));
  });

  it('has the advertised volume: 30+ chats, 3 channels, 5,000+ messages over weeks, one chat of 1,500+', () => {
    expect(account.chats.length).toBeGreaterThanOrEqual(30);
    expect(account.chats.some((c) => c.kind === 'dm')).toBe(true);
    expect(account.chats.some((c) => c.kind === 'group')).toBe(true);
    expect(account.channels).toHaveLength(3);
    for (const channel of account.channels) {
      expect(channel.jid).toMatch(/^[0-9]{5,25}@newsletter$/);
      expect(channel.name.length).toBeGreaterThan(0);
      expect(channel.description.length).toBeGreaterThan(0);
    }
    expect(account.messages.length).toBeGreaterThanOrEqual(5000);
    const perChat = new Map<string, number>();
    for (const m of account.messages) perChat.set(m.key.remoteJid!, (perChat.get(m.key.remoteJid!) ?? 0) + 1);
    expect(Math.max(...perChat.values())).toBeGreaterThanOrEqual(1500);
    for (const channel of account.channels) expect(perChat.get(channel.jid)).toBeGreaterThan(20);
    const times = account.messages.map((m) => Number(toNumber(m.messageTimestamp!)));
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(21 * 86_400);
    expect(Math.max(...times) * 1000).toBeLessThanOrEqual(SANDBOX_DEFAULT_END_AT);
    // Oldest first, and ids unique per chat.
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const keys = new Set(account.messages.map((m) => `${m.key.remoteJid}/${m.key.id}`));
    expect(keys.size).toBe(account.messages.length);
  });

  it('covers every message type the ingestion must understand', () => {
    const kinds = new Map<string, number>();
    for (const m of account.messages) kinds.set(kindOf(m), (kinds.get(kindOf(m)) ?? 0) + 1);
    for (const kind of [
      'conversation', 'extendedTextMessage', 'imageMessage', 'videoMessage', 'audioMessage', 'documentMessage',
      'stickerMessage', 'locationMessage', 'contactMessage', 'pollCreationMessageV3', 'protocolMessage',
    ]) {
      expect(kinds.get(kind), kind).toBeGreaterThan(0);
    }
    const has = (predicate: (m: WAMessage) => boolean) => account.messages.some(predicate);
    expect(has((m) => !!m.message?.ephemeralMessage)).toBe(true);
    expect(has((m) => !!m.message?.viewOnceMessageV2)).toBe(true);
    expect(has((m) => !!m.message?.documentWithCaptionMessage?.message?.documentMessage?.caption)).toBe(true);
    expect(has((m) => !!m.message?.extendedTextMessage?.matchedText)).toBe(true);
    expect(has((m) => !!m.message?.imageMessage?.caption && Number(toNumber(m.message.imageMessage.fileLength!)) > 0)).toBe(true);
    expect(has((m) => !!m.message?.documentMessage?.fileName && !!m.message.documentMessage.mimetype)).toBe(true);
    expect(has((m) => !!m.message?.contactMessage?.vcard?.startsWith('BEGIN:VCARD'))).toBe(true);
    // Quoted replies carry the quoted id and content; mentions include @lid users.
    const reply = account.messages.find((m) => m.message?.extendedTextMessage?.contextInfo?.quotedMessage);
    expect(reply?.message?.extendedTextMessage?.contextInfo?.stanzaId).toBeTruthy();
    const quotedIds = new Set(account.messages.map((m) => m.key.id));
    expect(quotedIds.has(reply!.message!.extendedTextMessage!.contextInfo!.stanzaId!)).toBe(true);
    expect(has((m) => !!m.message?.extendedTextMessage?.contextInfo?.mentionedJid?.some((j) => j.endsWith('@lid')))).toBe(true);
    expect(has((m) => !!m.message?.extendedTextMessage?.contextInfo?.mentionedJid?.some((j) => j.endsWith('@s.whatsapp.net')))).toBe(true);
    // Reactions ride on the message they belong to, as in history sync.
    const reacted = account.messages.filter((m) => m.reactions?.length);
    expect(reacted.length).toBeGreaterThan(50);
    expect(reacted[0]!.reactions![0]!.text).toBeTruthy();
    expect(reacted[0]!.reactions![0]!.key?.id).toBeTruthy();
    // Edits (bare protocol message and the editedMessage wrapper) and deletes.
    const edits = account.messages.filter((m) => extractMessageContent(m.message)?.protocolMessage?.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT);
    expect(edits.some((m) => m.message?.editedMessage)).toBe(true);
    expect(edits.some((m) => m.message?.protocolMessage)).toBe(true);
    const edit = extractMessageContent(edits[0]!.message)!.protocolMessage!;
    expect(edit.editedMessage?.conversation).toBeTruthy();
    expect(quotedIds.has(edit.key!.id!)).toBe(true);
    expect(has((m) => m.messageStubType === WAMessageStubType.REVOKE && !m.message)).toBe(true);
    // System stubs.
    expect(has((m) => m.messageStubType === WAMessageStubType.GROUP_CREATE)).toBe(true);
    expect(has((m) => m.messageStubType === WAMessageStubType.GROUP_PARTICIPANT_ADD)).toBe(true);
    expect(has((m) => m.messageStubType === WAMessageStubType.E2E_ENCRYPTED)).toBe(true);
    // Outgoing in several statuses, one failed with an error code.
    const statuses = new Set(account.messages.filter((m) => m.key.fromMe).map((m) => m.status));
    for (const s of [WAMessageStatus.SERVER_ACK, WAMessageStatus.DELIVERY_ACK, WAMessageStatus.READ, WAMessageStatus.PLAYED, WAMessageStatus.ERROR]) {
      expect(statuses.has(s), `status ${s}`).toBe(true);
    }
    const failed = account.messages.filter((m) => m.status === WAMessageStatus.ERROR);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.key.fromMe).toBe(true);
    expect(failed[0]!.messageStubParameters).toEqual(['463']);
  });

  it('has named contacts, push names and LID senders whose mapping is known only for some', () => {
    expect(account.savedContacts.length).toBeGreaterThan(20);
    expect(account.savedContacts.every((c) => c.name && c.id.endsWith('@s.whatsapp.net'))).toBe(true);
    const incoming = account.messages.filter((m) => !m.key.fromMe && !m.key.remoteJid!.endsWith('@newsletter') && !m.messageStubType);
    expect(incoming.every((m) => typeof m.pushName === 'string' && m.pushName.length > 0)).toBe(true);
    const lidSenders = new Set(account.messages.map((m) => m.key.participant).filter((p): p is string => !!p && p.endsWith('@lid')));
    expect(lidSenders.size).toBeGreaterThan(5);
    const known = new Set([...account.historyLidPnMappings, ...account.contactLidPnMappings].map((m) => m.lid));
    const knownSenders = [...lidSenders].filter((lid) => known.has(lid));
    expect(knownSenders.length).toBeGreaterThan(0);
    expect(knownSenders.length).toBeLessThan(lidSenders.size);
    // A DM addressed by LID only.
    expect(account.chats.some((c) => c.kind === 'dm' && c.jid.endsWith('@lid'))).toBe(true);
  });

  it('produces valid protobufs: every message survives encode/decode unchanged', () => {
    for (const m of account.messages) {
      const bytes = proto.WebMessageInfo.encode(m).finish();
      const decoded = proto.WebMessageInfo.decode(bytes);
      expect(decoded.key?.id).toBe(m.key.id);
      expect(serialise(decoded)).toBe(serialise(m));
    }
  });

  it('plans 10-20 history chunks with rising progress that together hold every message once', () => {
    const chunks = planHistory(account);
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    expect(chunks.length).toBeLessThanOrEqual(20);
    const progress = chunks.map((c) => c.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    const ids: string[] = [];
    for (const chunk of chunks) {
      const data = chunk.build();
      expect(data.progress).toBe(chunk.progress);
      expect(data.chunkOrder).toBe(chunk.index);
      ids.push(...data.messages.map((m) => `${m.key.remoteJid}/${m.key.id}`));
    }
    expect(ids).toHaveLength(account.messages.length);
    expect(new Set(ids).size).toBe(account.messages.length);
    // build() returns fresh objects: mutating one payload does not leak into the next.
    const first = chunks[0]!.build();
    first.messages[0]!.key.id = 'MUTATED';
    expect(chunks[0]!.build().messages[0]!.key.id).not.toBe('MUTATED');
  });
});

describe('generateMessages', () => {
  // How fast it is belongs to the benchmarks (test/bench), not to a timed assertion on a shared machine.
  it('makes N more valid messages deterministically', () => {
    const extra = generateMessages(3, 20_000, account.chats);
    expect(extra).toHaveLength(20_000);
    expect(serialise(generateMessages(3, 200, account.chats))).toBe(serialise(generateMessages(3, 200, account.chats)));
    expect(new Set(extra.map((m) => m.key.id)).size).toBe(extra.length);
    const chatJids = new Set(account.chats.map((c) => c.jid));
    expect(extra.every((m) => chatJids.has(m.key.remoteJid!))).toBe(true);
    expect(extra.some((m) => m.message?.reactionMessage?.key?.id)).toBe(true);
    const one = extra[123]!;
    expect(proto.WebMessageInfo.decode(proto.WebMessageInfo.encode(one).finish()).key?.id).toBe(one.key.id);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => generateMessages(1, -1, account.chats)).toThrow(/non-negative integer/);
    expect(() => generateMessages(1, 5, [])).toThrow(/at least one chat/);
    expect(generateMessages(1, 0, [])).toEqual([]);
  });
});
