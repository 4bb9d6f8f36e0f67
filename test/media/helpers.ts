/**
 * Shared pieces of the media tests: the sandbox's real encrypted media on its loopback CDN, messages that
 * carry it (serialised and revived as the store keeps them), a temp file-store, and a condition wait.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferJSON, proto, type WAMessage } from '@whiskeysockets/baileys';
import { createFileStore, type FileStore } from '../../src-main/media/file-store.js';
import { reviveRaw } from '../../src-main/media/downloader.js';
import type { SandboxMediaKind } from '../../src-main/whatsapp/sandbox/media-assets.js';

export const KINDS: readonly SandboxMediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

let n = 0;

/** A received message carrying `content`, as a WebMessageInfo. */
export function messageWith(content: proto.IMessage, id = `MEDIA${++n}`): WAMessage {
  return proto.WebMessageInfo.fromObject({
    key: { remoteJid: '15550001111@s.whatsapp.net', fromMe: false, id },
    message: content,
    messageTimestamp: 1_780_000_000,
    pushName: 'Test',
  }) as WAMessage;
}

/** What the store keeps (raw JSON text) and what the queue revives from it. */
export function rawOfMessage(m: WAMessage): string {
  return JSON.stringify(m, BufferJSON.replacer);
}

export function roundTrip(m: WAMessage): WAMessage {
  return reviveRaw(rawOfMessage(m));
}

export function tempFiles(): { files: FileStore; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wagw-media-'));
  const files = createFileStore(join(dir, 'media'));
  return { files, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits until `check` returns a truthy value (polling), failing after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

import type { Store } from '../../src-main/store/index.js';
import type { MessageType } from '../../src-main/core/types.js';

export const CHAT = '15550001111@s.whatsapp.net';

/** Stores a received media message (as ingestion would: the record plus its raw payload); returns its pk. */
export function storeMediaMessage(store: Store, sessionId: string, content: proto.IMessage, id: string, chatJid = CHAT): number {
  const msg = messageWith(content, id);
  const field = Object.keys(content)[0]!;
  const inner = (content as Record<string, { mimetype?: string; fileName?: string; fileLength?: number }>)[field]!;
  const type = field.replace('Message', '') as MessageType;
  const pk = store.messages.insert(sessionId, {
    waMessageId: id,
    chatJid,
    fromMe: false,
    senderJid: chatJid,
    senderLid: null,
    senderName: 'Test',
    type,
    body: '',
    media: { filename: inner.fileName ?? null, mimetype: inner.mimetype ?? null, size: Number(inner.fileLength ?? 0) },
    mentions: [],
    mentionNames: {},
    quotedMessageId: null,
    timestamp: 1_780_000_000_000,
    ackLevel: 3,
    error: null,
    edited: false,
    deleted: false,
    placeholder: false,
    raw: rawOfMessage(msg),
  });
  if (pk === null) throw new Error(`message ${id} not inserted`);
  return pk;
}
