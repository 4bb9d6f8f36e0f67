/**
 * Chat export (issue 10, docs/API.md "export"): the whole stored chat, oldest first, as json, html, txt or
 * csv; with media=include a zip of the document plus its downloaded media files. The service checks and
 * resolves everything first (so errors are answered before a byte is sent), then returns a job whose write()
 * streams the export with backpressure (src-main/export/stream.ts): constant memory whatever the chat's size.
 */
import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { ValidationError } from '../core/errors.js';
import type { Chat, Principal } from '../core/types.js';
import { writeExport, writerFor } from '../export/stream.js';
import {
  CONTENT_TYPES,
  EXPORT_FORMATS,
  EXPORT_MEDIA,
  mediaPath,
  type ExportFormat,
  type ExportHead,
  type ExportItem,
  type ExportMediaMode,
} from '../export/types.js';
import { createZipExport } from '../export/zip.js';
import type { Store } from '../store/index.js';
import type { ExportRow } from '../store/repositories/exports.js';
import { rowToMessage } from '../store/repositories/messages.js';
import type { NameResolver } from '../core/names.js';
import { nameChat, nameMessage, selfJids, sessionNames } from './names.js';
import { requireCapability } from './access.js';
import { requireStoredChat } from './chats.js';
import type { SessionsService } from './sessions.js';

/** The content-addressed media files (src-main/media/file-store.ts) as an export reads them. */
export interface MediaFiles {
  has(sha256: string): boolean;
  open(sha256: string): Readable;
}

export interface ExportInput {
  format?: string | undefined;
  media?: string | undefined;
}

export interface ExportJob {
  /** A file name for the download (no path; the door encodes it for Content-Disposition). */
  filename: string;
  contentType: string;
  /** How many messages the export holds (counted when the job was made). */
  messages: number;
  format: ExportFormat;
  media: ExportMediaMode;
  /** Streams the export into `out` and ends it; `onProgress(written, total)` after each batch. */
  write(out: Writable, onProgress?: (written: number, total: number) => void): Promise<void>;
}

/** Rows read per batch: large enough to amortise the query, small enough to keep memory flat. */
const BATCH = 500;

/** A file-system-safe name (what WhatsApp calls its exports: "WhatsApp Chat with NAME"). */
export function exportFilename(chat: Chat, ext: string): string {
  const name = (chat.name?.trim() || chat.jid.split('@')[0] || 'chat')
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_')
    .slice(0, 80)
    .trim();
  return `WhatsApp Chat with ${name}.${ext}`;
}

function choice<T extends string>(field: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(`${field} must be one of ${allowed.join(', ')}`, { field, value });
  }
  return value as T;
}

export type ExportService = ReturnType<typeof createExportService>;

export function createExportService(deps: { store: Store; sessions: SessionsService; mediaFiles: MediaFiles | null; now?: () => number }) {
  const { store, sessions, mediaFiles } = deps;
  const now = deps.now ?? Date.now;

  /** Items of a batch: the API's Message plus where its media file sits in the zip (if it does). */
  function toItems(rows: ExportRow[], include: boolean, names: NameResolver, self: ReadonlySet<string>): ExportItem[] {
    return rows.map((r) => {
      const message = nameMessage(names, rowToMessage(r), self);
      if (!message.media) return { message, media: null };
      const sha = r.media_sha256;
      const file = include && sha && mediaFiles?.has(sha) ? mediaPath(sha, r.media_file_mimetype, null) : null;
      return { message, media: { file, filename: message.media.filename, mimetype: message.media.mimetype } };
    });
  }

  return {
    /** Checks access and input, resolves the chat (LID forms too); nothing is written yet. */
    exportChat(p: Principal, sessionId: string, cid: string, input: ExportInput): ExportJob {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireStoredChat(store, s.id, cid);
      const format = choice('format', input.format, EXPORT_FORMATS, 'json');
      const media = choice('media', input.media, EXPORT_MEDIA, 'omit');
      const chat = nameChat(sessionNames(store, s.id), store.chats.get(s.id, jid)!, selfJids(s));
      const total = store.messages.count(s.id, jid);
      const include = media === 'include';
      const exportedAt = now();
      const head: ExportHead = { chat, exportedAt, includeMedia: include, selfName: 'You' };
      const names = sessionNames(store, s.id);
      const self = selfJids(s);
      const batches = function* (): Generator<ExportItem[]> {
        for (const rows of store.exports.iterateChat(s.id, jid, BATCH)) yield toItems(rows, include, names, self);
      };
      return {
        filename: exportFilename(chat, include ? 'zip' : format),
        contentType: include ? 'application/zip' : CONTENT_TYPES[format],
        messages: total,
        format,
        media,
        async write(out, onProgress) {
          const progress = onProgress && ((written: number) => onProgress(written, Math.max(total, written)));
          if (!include) {
            await writeExport(out, writerFor(format, head), batches(), progress);
            await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
            return;
          }
          const zip = createZipExport(exportFilename(chat, format), new Date(exportedAt));
          const piped = pipeline(zip.output, out);
          // If the reader goes away, stop producing (a document write would wait for a drain that never comes).
          // Destroyed without an error: nobody listens for 'error' on the document between writes (yazl does not),
          // and an unheard 'error' would end the process; writeChunk sees the close. `await piped` reports why.
          piped.catch(() => zip.document.destroy());
          await writeExport(zip.document, writerFor(format, head), batches(), progress);
          zip.document.end();
          if (mediaFiles) {
            for (let after = ''; ; ) {
              const files = store.exports.mediaFiles(s.id, jid, after, BATCH);
              for (const f of files) {
                if (mediaFiles.has(f.sha256)) zip.addFile(mediaPath(f.sha256, f.mimetype, null), () => mediaFiles.open(f.sha256));
              }
              if (files.length < BATCH) break;
              after = files[files.length - 1]!.sha256;
            }
          }
          zip.finish();
          await piped;
        },
      };
    },
  };
}
