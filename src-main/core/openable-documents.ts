/**
 * Which archived documents the desktop app hands to the operating system's default application ("Open" on a
 * document card). Files come from other people, so this is an allow-list of viewer/editor formats and never
 * anything the OS would execute (programs, scripts, installers, shortcuts, HTML, SVG, archives...). The saved
 * file's extension always comes from this table, never from the sender's file name, so a "report.pdf.exe"
 * can only ever be written as a .pdf. The main process also checks the bytes' signature (electron/open-document.ts).
 *
 * Shared by the main process and the renderer (through @core): the renderer shows "Open" only for these.
 */

export interface OpenableDocumentType {
  /** The extension the saved file gets (without the dot). */
  extension: string;
  /** Other extensions a sender's file name may carry for this type (kept as they are). */
  aliases?: readonly string[];
  /** How the bytes must start: 'pdf', 'zip' (OOXML / OpenDocument / EPUB), 'ole' (legacy Office), 'rtf', 'text' (no NUL bytes). */
  signature: 'pdf' | 'zip' | 'ole' | 'rtf' | 'text';
}

export const OPENABLE_DOCUMENT_TYPES: Readonly<Record<string, OpenableDocumentType>> = {
  'application/pdf': { extension: 'pdf', signature: 'pdf' },
  'application/msword': { extension: 'doc', aliases: ['dot'], signature: 'ole' },
  'application/vnd.ms-excel': { extension: 'xls', signature: 'ole' },
  'application/vnd.ms-powerpoint': { extension: 'ppt', signature: 'ole' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { extension: 'docx', signature: 'zip' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { extension: 'xlsx', signature: 'zip' },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { extension: 'pptx', signature: 'zip' },
  'application/vnd.oasis.opendocument.text': { extension: 'odt', signature: 'zip' },
  'application/vnd.oasis.opendocument.spreadsheet': { extension: 'ods', signature: 'zip' },
  'application/vnd.oasis.opendocument.presentation': { extension: 'odp', signature: 'zip' },
  'application/epub+zip': { extension: 'epub', signature: 'zip' },
  'application/rtf': { extension: 'rtf', signature: 'rtf' },
  'text/rtf': { extension: 'rtf', signature: 'rtf' },
  'text/plain': { extension: 'txt', aliases: ['text', 'log', 'md'], signature: 'text' },
  'text/csv': { extension: 'csv', signature: 'text' },
};

/** Media types that say nothing about the format: the file name's extension decides (and the signature must match). */
const GENERIC_MIMETYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

const BY_EXTENSION: ReadonlyMap<string, string> = new Map(
  Object.entries(OPENABLE_DOCUMENT_TYPES).flatMap(([mime, t]) => [t.extension, ...(t.aliases ?? [])].map((ext) => [ext, mime] as const)).reverse(),
);

/** The lower-case extension of a file name (1-8 letters or digits), or null. */
export function extensionOf(filename: string | null | undefined): string | null {
  const m = /\.([a-z0-9]{1,8})$/i.exec(filename ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * The openable type of a document from its media type (parameters ignored), or, when the media type is generic
 * (application/octet-stream), from its file name's extension. Null: not opened from the app (download only).
 */
export function openableDocumentType(
  mimetype: string | null | undefined,
  filename: string | null | undefined,
): (OpenableDocumentType & { mimetype: string }) | null {
  const mime = (mimetype ?? '').split(';')[0]!.trim().toLowerCase();
  const direct = OPENABLE_DOCUMENT_TYPES[mime];
  if (direct) return { ...direct, mimetype: mime };
  if (!GENERIC_MIMETYPES.has(mime)) return null;
  const ext = extensionOf(filename);
  const byExt = ext ? BY_EXTENSION.get(ext) : undefined;
  return byExt ? { ...OPENABLE_DOCUMENT_TYPES[byExt]!, mimetype: byExt } : null;
}

/** Which message's document to open (the media route's path parameters, nothing else). */
export interface OpenDocumentRequest {
  sessionId: string;
  /** A chat message or a channel post (the two media routes). */
  scope: 'chat' | 'channel';
  /** The chat or channel JID. */
  jid: string;
  /** The WhatsApp message id. */
  messageId: string;
}

/** Opened (the saved file's name), or why not, in words for the person. */
export type OpenDocumentResult = { ok: true; fileName: string } | { ok: false; error: string };
