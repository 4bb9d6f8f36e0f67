/**
 * get_media (issue 12): what a model gets for a message's media, decided once over an ArchiveAccess.
 *
 * - An image or sticker: the file itself as MCP image content, as the media service gives it (the archived
 *   file, or downloaded now when the session is live: the path GET .../media takes). A file over
 *   MCP_IMAGE_MAX_BYTES, or one that is not a JPEG/PNG/WebP/GIF, is replaced by the JPEG preview embedded in
 *   the message, and the answer says so; so is a file that cannot be had (not archived and not live, expired,
 *   failed), with the reason.
 * - Any other kind (video, audio, document): metadata, size, the archive's state and the media API path to fetch
 *   the file with an API key; a video's embedded preview as image content when it has one.
 */
import { AppError } from '../core/errors.js';
import { isChannelJid } from '../core/jid.js';
import type { Message } from '../core/types.js';
import { sniffMimetype } from '../media/mime.js';
import { findMessage } from './context.js';
import type { ArchiveAccess } from './port.js';

/**
 * The largest file returned as image content: 3 MiB is 4 MiB once base64-encoded, under the ~5 MB per image
 * that assistants' model APIs accept.
 */
export const MCP_IMAGE_MAX_BYTES = 3 * 1024 * 1024;

/** The HTTP API's prefix (api/create-api.ts API_PREFIX; not imported, that module loads Koa). */
const API_PREFIX = '/api/v1';

/** Types MCP clients display as images; anything else the file claims to be is not sent as one. */
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);
const FILE_KINDS = new Set(['image', 'sticker']);
const PREVIEW_KINDS = new Set(['image', 'sticker', 'video']);

export interface MediaAnswer {
  message: Message;
  /** GET path of the file on the HTTP API (with the API prefix). */
  apiPath: string;
  /** The archive's copy: none, queued, done, failed, expired (null: the message has no media). */
  state: string | null;
  /** Image content to return: the file, or the embedded preview. */
  image: { data: Buffer; mimetype: string; source: 'file' | 'preview' } | null;
  /** Our sentence on what was returned and why. */
  note: string;
}

/** The path of a message's media on the HTTP API, relative to its base (…/api/v1). */
export function mediaPath(sessionId: string, jid: string, messageId: string): string {
  const e = encodeURIComponent;
  return `/sessions/${e(sessionId)}/${isChannelJid(jid) ? 'channels' : 'chats'}/${e(jid)}/messages/${e(messageId)}/media`;
}

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;

/** The embedded preview, or null (a failure to read it is no reason to fail the whole answer). */
async function preview(access: ArchiveAccess, s: string, jid: string, id: string): Promise<Buffer | null> {
  try {
    return await access.mediaThumbnail(s, jid, id);
  } catch (err) {
    if (err instanceof AppError) return null;
    throw err;
  }
}

export async function mediaOf(
  access: ArchiveAccess,
  sessionId: string,
  jid: string,
  messageId: string,
  maxBytes: number = MCP_IMAGE_MAX_BYTES,
): Promise<MediaAnswer> {
  const message = await findMessage(access, sessionId, jid, messageId);
  const apiPath = API_PREFIX + mediaPath(sessionId, jid, messageId);
  if (!message.hasMedia) return { message, apiPath, state: null, image: null, note: 'This message has no media.' };
  const state = message.media?.state ?? 'none';

  /** The answer without the file: the embedded preview when there is one, and why. */
  const withPreview = async (why: string, st: string = state): Promise<MediaAnswer> => {
    const thumb = await preview(access, sessionId, jid, messageId);
    return thumb
      ? { message, apiPath, state: st, image: { data: thumb, mimetype: 'image/jpeg', source: 'preview' }, note: `${why} The small JPEG preview embedded in the message follows instead.` }
      : { message, apiPath, state: st, image: null, note: `${why} The message has no embedded preview: metadata only.` };
  };

  if (!FILE_KINDS.has(message.type)) {
    const why = `A ${message.type}: the file is not returned here; fetch it with an API key from GET ${apiPath} (archive state: ${state}).`;
    return PREVIEW_KINDS.has(message.type) ? withPreview(why) : { message, apiPath, state, image: null, note: why };
  }
  let file;
  try {
    file = await access.mediaFile(sessionId, jid, messageId, maxBytes);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return withPreview(`The file is not available (${err.code}: ${err.message}).`);
  }
  // The media service answered with the file: it is archived now, whatever the listing said a moment ago.
  if (file.status === 'too_large') {
    return withPreview(`The file is ${mb(file.size)}, over the ${mb(maxBytes)} returned here; the full file: GET ${apiPath}.`, 'done');
  }
  const mimetype = sniffMimetype(file.bytes);
  if (!mimetype || !IMAGE_TYPES.has(mimetype)) {
    return withPreview(`The archived file is not a JPEG, PNG, WebP or GIF image; the file: GET ${apiPath}.`, 'done');
  }
  return {
    message,
    apiPath,
    state: 'done',
    image: { data: file.bytes, mimetype, source: 'file' },
    note: `The archived ${message.type} file follows (${file.bytes.length} bytes, ${mimetype}).`,
  };
}
