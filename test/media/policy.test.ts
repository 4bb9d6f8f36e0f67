import { describe, expect, it } from 'vitest';
import { withNewMediaLocation, reviveRaw } from '../../src-main/media/downloader.js';
import { DEFAULT_MEDIA_POLICY, decideAuto, mediaPolicyPatchSchema, mergePolicy, parsePolicy } from '../../src-main/media/policy.js';
import { messageWith, rawOfMessage } from './helpers.js';
import { tempStoreWithSession } from '../helpers/store.js';
import { storeMediaMessage } from './helpers.js';

describe('media policy', () => {
  it('decides per kind, size, history and cap', () => {
    const p = DEFAULT_MEDIA_POLICY;
    expect(decideAuto(p, { kind: 'image', size: 1000, history: false }, 0)).toBe('download');
    expect(decideAuto(p, { kind: 'image', size: 1000, history: true }, 0)).toBe('lazy');
    expect(decideAuto({ ...p, history: 'auto' }, { kind: 'image', size: 1000, history: true }, 0)).toBe('download');
    expect(decideAuto(p, { kind: 'video', size: p.maxBytes.video + 1, history: false }, 0)).toBe('too_large');
    expect(decideAuto(mergePolicy(p, { autoDownload: { document: false } }), { kind: 'document', size: 1, history: false }, 0)).toBe('kind_off');
    expect(decideAuto(p, { kind: 'image', size: 10, history: false }, p.storageCapBytes! - 5)).toBe('over_cap');
    expect(decideAuto({ ...p, storageCapBytes: null }, { kind: 'image', size: 10, history: false }, 1e15)).toBe('download');
    expect(decideAuto(p, { kind: 'sticker', size: null, history: false }, 0)).toBe('download');
  });

  it('merges patches field by field, validates them strictly, and reads back stored JSON with defaults', () => {
    const merged = mergePolicy(DEFAULT_MEDIA_POLICY, { maxBytes: { video: 5 }, storageCapBytes: null });
    expect(merged.maxBytes).toEqual({ ...DEFAULT_MEDIA_POLICY.maxBytes, video: 5 });
    expect(merged.storageCapBytes).toBeNull();
    expect(mediaPolicyPatchSchema.safeParse({ autoDownload: { gif: true } }).success).toBe(false);
    expect(mediaPolicyPatchSchema.safeParse({ maxBytes: { image: -1 } }).success).toBe(false);
    expect(mediaPolicyPatchSchema.safeParse({ history: 'sometimes' }).success).toBe(false);
    expect(parsePolicy(JSON.stringify({ history: 'auto' }))).toEqual({ ...DEFAULT_MEDIA_POLICY, history: 'auto' });
    expect(parsePolicy('{not json')).toEqual(DEFAULT_MEDIA_POLICY);
    expect(parsePolicy(undefined)).toBe(DEFAULT_MEDIA_POLICY);
  });
});

describe('stored payload after a re-upload', () => {
  it('only url and directPath change; fields a proto round trip drops are kept', () => {
    const msg = messageWith({ documentWithCaptionMessage: { message: { documentMessage: { url: 'https://old/x', directPath: '/old', mimetype: 'application/pdf', caption: 'c' } } } });
    const raw = JSON.parse(rawOfMessage(msg)) as { key: Record<string, unknown> };
    raw.key.remoteJidAlt = '123@lid';
    const stored = JSON.stringify(raw);
    const updated = reviveRaw(stored);
    updated.message!.documentWithCaptionMessage!.message!.documentMessage!.url = 'https://new/y';
    updated.message!.documentWithCaptionMessage!.message!.documentMessage!.directPath = null;
    const patched = JSON.parse(withNewMediaLocation(stored, updated)!);
    expect(patched.key.remoteJidAlt).toBe('123@lid');
    expect(patched.message.documentWithCaptionMessage.message.documentMessage).toMatchObject({ url: 'https://new/y', caption: 'c' });
    expect(patched.message.documentWithCaptionMessage.message.documentMessage.directPath).toBeUndefined();
  });
});

describe('media repository', () => {
  it('reads many media states at once; no job row is none', () => {
    const t = tempStoreWithSession();
    try {
      const a = storeMediaMessage(t.store, t.session.id, { imageMessage: { mimetype: 'image/jpeg' } }, 'A');
      const b = storeMediaMessage(t.store, t.session.id, { imageMessage: { mimetype: 'image/jpeg' } }, 'B');
      t.store.media.enqueue([{ sessionId: t.session.id, chatJid: '15550001111@s.whatsapp.net', waMessageId: 'A', kind: 'image', expectedSize: 1, priority: 0, now: 1 }]);
      const states = t.store.media.states([a, b]);
      expect(states.get(a)).toBe('queued');
      expect(states.has(b)).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('queues by the message pk when the caller has it, once per message either way', () => {
    const t = tempStoreWithSession();
    try {
      const chat = '15550001111@s.whatsapp.net';
      const a = storeMediaMessage(t.store, t.session.id, { imageMessage: { mimetype: 'image/jpeg' } }, 'A');
      const b = storeMediaMessage(t.store, t.session.id, { imageMessage: { mimetype: 'image/jpeg' } }, 'B');
      const job = { sessionId: t.session.id, chatJid: chat, kind: 'image', expectedSize: 7, priority: 0, now: 5 };
      // B's pk with A's id: the pk decides, the natural key is not read.
      expect(t.store.media.enqueue([{ ...job, waMessageId: 'A', messagePk: b }])).toBe(1);
      expect(t.store.media.job(b)).toMatchObject({ state: 'queued', expected_size: 7, session_id: t.session.id });
      expect(t.store.media.job(a)).toBeUndefined();
      expect(t.store.media.enqueue([{ ...job, waMessageId: 'B', messagePk: b }, { ...job, waMessageId: 'B' }])).toBe(0);
      // A history chunk's worth: whole multi-row statements, the rest row by row, mixed with a job by natural key.
      const many = Array.from({ length: 150 }, (_, i) => {
        const id = `M${i}`;
        return { ...job, waMessageId: id, messagePk: storeMediaMessage(t.store, t.session.id, { imageMessage: { mimetype: 'image/jpeg' } }, id), priority: -1 };
      });
      expect(t.store.media.enqueue([{ ...job, waMessageId: 'A' }, ...many, many[0]!])).toBe(151);
      expect(t.store.media.job(a)).toMatchObject({ state: 'queued', priority: 0 });
      for (const m of [many[0]!, many[63]!, many[64]!, many[127]!, many[128]!, many[149]!]) {
        expect(t.store.media.job(m.messagePk)).toMatchObject({ state: 'queued', priority: -1, expected_size: 7, kind: 'image' });
      }
      expect(t.store.media.counts(t.session.id).pending).toBe(152);
    } finally {
      t.cleanup();
    }
  });
});
