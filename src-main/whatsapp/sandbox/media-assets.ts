/**
 * Real media for the sandbox's media messages. At start each committed file of resources/sandbox-media/ is
 * encrypted with Baileys' own `encryptedStream` (a fresh mediaKey, exactly as a sending phone does) and the
 * encrypted bytes are put on the loopback CDN (media-cdn.ts). `contentFor(kind, seed)` then yields message
 * content whose url, mediaKey, fileSha256, fileEncSha256, fileLength and jpegThumbnail are all true, so the
 * gateway's real download path (Baileys' key derivation, fetch and decryption, the sha256 check) runs
 * against the sandbox as it would against WhatsApp.
 *
 * One more photo exists only to expire: its path answers 404 until `reupload(msg)` (what the simulated
 * socket's updateMediaMessage should call) moves it to a new URL, so the re-upload path is exercised too.
 *
 * The composers of the simulated account (account.ts) call `contentFor` when they make an image, video,
 * audio, document or sticker message; the sandbox keeps one instance for its lifetime.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encryptedStream, proto, type MediaType, type WAMessage } from '@whiskeysockets/baileys';
import { startSandboxMediaCdn, type SandboxMediaCdn } from './media-cdn.js';

export type SandboxMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** One committed file, encrypted and on the CDN. */
export interface SandboxMediaAsset {
  name: string;
  kind: SandboxMediaKind;
  /** Plaintext bytes (the file as committed). */
  original: Buffer;
  /** sha256 of `original`, lower-case hex: what the gateway's file-store must end up holding. */
  sha256: string;
  /** CDN path of the encrypted bytes. */
  path: string;
  /** The message content field (imageMessage, ...) with every media field set. */
  field: 'imageMessage' | 'videoMessage' | 'audioMessage' | 'documentMessage' | 'stickerMessage';
  fields: Record<string, unknown>;
}

export interface SandboxMedia {
  readonly cdn: SandboxMediaCdn;
  readonly assets: readonly SandboxMediaAsset[];
  /** The asset a message of this kind carries for this seed (images alternate JPEG and PNG). */
  assetFor(kind: SandboxMediaKind, seed: number): SandboxMediaAsset;
  /** Message content (`{imageMessage: {...}}`, ...) for a composer; `extra` is merged in (captions etc.). */
  contentFor(kind: SandboxMediaKind, seed: number, extra?: Record<string, unknown>): proto.IMessage;
  /** The photo whose CDN path answers 404 until re-uploaded. */
  readonly expiring: SandboxMediaAsset;
  expiringContent(extra?: Record<string, unknown>): proto.IMessage;
  /**
   * The phone's answer to a media retry request (updateMediaMessage): the message with a new url when the
   * CDN knows its blob; otherwise throws a Boom-shaped error with statusCode 404 (the phone no longer has it).
   */
  reupload(msg: WAMessage): Promise<WAMessage>;
  close(): Promise<void>;
}

interface AssetSpec {
  name: string;
  file: string;
  kind: SandboxMediaKind;
  mediaType: MediaType;
  field: SandboxMediaAsset['field'];
  thumb?: string;
  fields: Record<string, unknown>;
  /** Changes the bytes so this asset does not share its hash with another (the expiring photo). */
  mutate?: (b: Buffer) => Buffer;
}

/** Inserts a JPEG comment segment after SOI: still a valid JPEG, different bytes. */
function jpegWithComment(b: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([b.subarray(0, 2), seg, body, b.subarray(2)]);
}

const SPECS: AssetSpec[] = [
  { name: 'photo-jpeg', file: 'photo.jpg', kind: 'image', mediaType: 'image', field: 'imageMessage', thumb: 'photo.thumb.jpg', fields: { mimetype: 'image/jpeg', width: 320, height: 240 } },
  { name: 'photo-png', file: 'photo.png', kind: 'image', mediaType: 'image', field: 'imageMessage', thumb: 'photo-png.thumb.jpg', fields: { mimetype: 'image/png', width: 240, height: 240 } },
  { name: 'voice', file: 'voice.ogg', kind: 'audio', mediaType: 'audio', field: 'audioMessage', fields: { mimetype: 'audio/ogg; codecs=opus', seconds: 3, ptt: true } },
  { name: 'video', file: 'clip.mp4', kind: 'video', mediaType: 'video', field: 'videoMessage', thumb: 'clip.thumb.jpg', fields: { mimetype: 'video/mp4', seconds: 2, width: 160, height: 120 } },
  { name: 'sticker', file: 'sticker.webp', kind: 'sticker', mediaType: 'sticker', field: 'stickerMessage', fields: { mimetype: 'image/webp', width: 128, height: 128, isAnimated: false } },
  { name: 'document', file: 'notes.pdf', kind: 'document', mediaType: 'document', field: 'documentMessage', thumb: 'notes.thumb.jpg', fields: { mimetype: 'application/pdf', fileName: 'notes.pdf', title: 'notes.pdf', pageCount: 2 } },
];

const EXPIRING: AssetSpec = {
  ...SPECS[0]!,
  name: 'photo-expiring',
  mutate: (b) => jpegWithComment(b, 'sandbox: this copy expires on the CDN until the phone re-uploads it'),
};

/** Where the committed files are: source tree or next to the bundle (out/main -> resources), or the env override. */
export function defaultSandboxMediaDir(): string {
  const env = process.env.WAGW_SANDBOX_MEDIA_DIR;
  if (env) return env;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '../../../resources/sandbox-media'), join(here, '../../resources/sandbox-media'), join(here, '../resources/sandbox-media')];
  return candidates.find((c) => existsSync(join(c, 'photo.jpg'))) ?? candidates[0]!;
}

/** What an earlier run encrypted, kept so the messages it produced stay downloadable after a restart. */
interface SavedAsset {
  sha256: string;
  mediaKey: string;
  fileEncSha256: string;
  fileLength: number;
  path: string;
  encrypted: string;
}
interface SavedState {
  version: 1;
  port: number;
  assets: Record<string, SavedAsset>;
}

async function encryptAsset(
  spec: AssetSpec,
  dir: string,
  cdn: SandboxMediaCdn,
  saved: SavedAsset | undefined,
): Promise<{ asset: SandboxMediaAsset; save: SavedAsset }> {
  const read: Buffer = readFileSync(join(dir, spec.file));
  const original = spec.mutate ? spec.mutate(read) : read;
  const sha256 = createHash('sha256').update(original).digest('hex');
  let enc: { mediaKey: Buffer; fileSha256: Buffer; fileEncSha256: Buffer; fileLength: number };
  let encrypted: Buffer;
  let path: string;
  if (saved && saved.sha256 === sha256) {
    // Same file as last run: reuse its key and ciphertext, so earlier messages still decrypt.
    enc = {
      mediaKey: Buffer.from(saved.mediaKey, 'base64'),
      fileSha256: Buffer.from(sha256, 'hex'),
      fileEncSha256: Buffer.from(saved.fileEncSha256, 'base64'),
      fileLength: saved.fileLength,
    };
    encrypted = Buffer.from(saved.encrypted, 'base64');
    path = saved.path;
  } else {
    const made = await encryptedStream(original, spec.mediaType);
    try {
      encrypted = readFileSync(made.encFilePath);
    } finally {
      await unlink(made.encFilePath).catch(() => undefined);
    }
    enc = made;
    path = `/v/t62.sandbox/${spec.name}-${made.fileEncSha256.toString('hex').slice(0, 16)}.enc`;
    if (sha256 !== made.fileSha256.toString('hex')) throw new Error(`encryptedStream hashed ${spec.file} differently`);
  }
  const url = cdn.put(path, encrypted);
  const save: SavedAsset = {
    sha256,
    mediaKey: enc.mediaKey.toString('base64'),
    fileEncSha256: enc.fileEncSha256.toString('base64'),
    fileLength: enc.fileLength,
    path,
    encrypted: encrypted.toString('base64'),
  };
  return { save, asset: {
    name: spec.name,
    kind: spec.kind,
    original,
    sha256,
    path,
    field: spec.field,
    fields: {
      ...spec.fields,
      url,
      mediaKey: enc.mediaKey,
      fileSha256: enc.fileSha256,
      fileEncSha256: enc.fileEncSha256,
      fileLength: enc.fileLength,
      ...(spec.thumb ? { jpegThumbnail: readFileSync(join(dir, spec.thumb)) } : {}),
    },
  } };
}

function readState(file: string | undefined): SavedState | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as SavedState;
    return s.version === 1 && s.assets && typeof s.assets === 'object' ? s : undefined;
  } catch {
    return undefined;
  }
}

export interface CreateSandboxMediaOptions {
  /** Directory of the committed files (default: defaultSandboxMediaDir()). */
  dir?: string;
  /** Seconds since epoch for mediaKeyTimestamp (default now). */
  nowSeconds?: () => number;
  /**
   * A file (e.g. `<data-dir>/sandbox-media.json`) keeping the keys, ciphertexts and CDN port across restarts,
   * so media messages stored by an earlier run (history media is downloaded lazily) still download. Without
   * it every start encrypts afresh on a new port.
   */
  stateFile?: string;
}

export async function createSandboxMedia(options: CreateSandboxMediaOptions = {}): Promise<SandboxMedia> {
  const dir = options.dir ?? defaultSandboxMediaDir();
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const previous = readState(options.stateFile);
  const cdn = await startSandboxMediaCdn({ preferredPort: previous?.port });
  try {
    const assets: SandboxMediaAsset[] = [];
    const saved: SavedState = { version: 1, port: Number(new URL(cdn.origin).port), assets: {} };
    for (const spec of [...SPECS, EXPIRING]) {
      const { asset, save } = await encryptAsset(spec, dir, cdn, previous?.assets[spec.name]);
      saved.assets[spec.name] = save;
      assets.push(asset);
    }
    const expiring = assets.pop()!;
    cdn.expire(expiring.path);
    if (options.stateFile) {
      const tmp = `${options.stateFile}.tmp`;
      writeFileSync(tmp, JSON.stringify(saved), { mode: 0o600 });
      renameSync(tmp, options.stateFile);
    }
    const byKind = (kind: SandboxMediaKind) => assets.filter((a) => a.kind === kind);
    const build = (a: SandboxMediaAsset, extra: Record<string, unknown> = {}): proto.IMessage =>
      ({ [a.field]: { ...a.fields, mediaKeyTimestamp: nowSeconds(), ...extra } }) as proto.IMessage;
    const assetFor = (kind: SandboxMediaKind, seed: number) => {
      const list = byKind(kind);
      return list[Math.abs(Math.trunc(seed)) % list.length]!;
    };
    return {
      cdn,
      assets,
      expiring,
      assetFor,
      contentFor: (kind, seed, extra) => build(assetFor(kind, seed), extra),
      expiringContent: (extra) => build(expiring, extra),
      async reupload(msg) {
        const copy = proto.WebMessageInfo.fromObject(proto.WebMessageInfo.toObject(proto.WebMessageInfo.fromObject(msg))) as WAMessage;
        const content = copy.message?.documentWithCaptionMessage?.message ?? copy.message;
        const field = content && SPECS.map((s) => s.field).find((f) => content[f]);
        const media = field ? (content[field] as { url?: string | null; directPath?: string | null }) : undefined;
        const path = media?.url ? new URL(media.url).pathname : undefined;
        if (!media || !path || !cdn.hasBlob(path)) {
          throw Object.assign(new Error('media not on the phone'), { isBoom: true, output: { statusCode: 404 } });
        }
        media.url = cdn.reupload(path);
        media.directPath = null;
        return copy;
      },
      close: () => cdn.close(),
    };
  } catch (e) {
    await cdn.close();
    throw e;
  }
}
