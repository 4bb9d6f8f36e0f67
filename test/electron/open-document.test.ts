/**
 * "Open" on a document in the desktop app, main-process side (src-main/electron/open-document.ts), against the
 * REAL gateway: the bytes come from its media route over loopback with a token it minted, so its checks apply;
 * the type allow-list, the signature check, the file name and the cache folder are checked on what the OS would
 * be asked to open (shell.openPath is a recorder here).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BufferJSON, proto } from '@whiskeysockets/baileys';
import { openableDocumentType } from '../../src-main/core/openable-documents.js';
import {
  dispositionFilename,
  matchesSignature,
  openArchivedDocument,
  pruneDocumentCache,
  safeDocumentName,
  type DocumentOpenerDeps,
} from '../../src-main/electron/open-document.js';
import { createFileStore } from '../../src-main/media/file-store.js';
import type { OpenDocumentRequest } from '../../src-main/preload/api.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const PDF = readFileSync(join(import.meta.dirname, '../../resources/sandbox-media/notes.pdf'));
const CHAT = '15550001111@s.whatsapp.net';

let g: TestGateway;
let sessionId: string;
let cache: string;
let opened: string[];
let serial = 0;

/** Stores a document message with its file in the gateway's media store, as a finished download leaves it. */
async function storeDocument(bytes: Buffer, mimetype: string, filename: string | null): Promise<OpenDocumentRequest> {
  const id = `3EB0DOC${String(++serial).padStart(6, '0')}`;
  const sha = createHash('sha256').update(bytes).digest('hex');
  const files = createFileStore(join(g.dataDir, 'media'));
  if (!files.has(sha)) await files.write(Readable.from([bytes]), { expectedSha256: sha });
  const raw = JSON.stringify(
    proto.WebMessageInfo.fromObject({
      key: { remoteJid: CHAT, id, fromMe: false },
      message: { documentMessage: { mimetype, fileName: filename, fileLength: bytes.length, fileSha256: Buffer.from(sha, 'hex') } },
      messageTimestamp: 1_700_000_000 + serial,
    }),
    BufferJSON.replacer,
  );
  const pk = g.store.messages.insert(sessionId, {
    waMessageId: id, chatJid: CHAT, fromMe: false, senderJid: CHAT, senderLid: null, senderName: null, type: 'document', body: '',
    media: { filename, mimetype, size: bytes.length }, mentions: [], mentionNames: {}, quotedMessageId: null,
    timestamp: 1_700_000_000_000 + serial, ackLevel: 3, error: null, edited: false, deleted: false, placeholder: false, raw,
  })!;
  g.store.media.recordSent(pk, sessionId, 'document', { sha256: sha, size: bytes.length, mimetype }, Date.now());
  return { sessionId, scope: 'chat', jid: CHAT, messageId: id };
}

function deps(extra: Partial<DocumentOpenerDeps> = {}): DocumentOpenerDeps {
  return {
    apiBase: g.info.apiBase,
    mintLoginToken: () => g.gateway.mintLoginToken(),
    cacheDir: cache,
    openPath: async (path) => {
      opened.push(path);
      return '';
    },
    platform: 'linux',
    ...extra,
  };
}

beforeAll(async () => {
  g = await startTestGateway();
  // The media archive comes with the WhatsApp side, which loads after the server listens.
  await g.running.whatsapp;
  sessionId = g.session('documents');
  g.store.chats.ensure(sessionId, CHAT, 'dm', 'Documents');
});
afterAll(() => g?.close());
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'wagw-open-doc-'));
  opened = [];
  return () => rmSync(cache, { recursive: true, force: true });
});

describe('openArchivedDocument through the gateway media route', () => {
  it('saves a PDF under the cache folder, named by the sender, and asks the OS to open exactly that file', async () => {
    const ref = await storeDocument(PDF, 'application/pdf', 'Quarterly report.pdf');
    await expect(openArchivedDocument(ref, deps())).resolves.toEqual({ ok: true, fileName: 'Quarterly report.pdf' });
    expect(opened).toHaveLength(1);
    const path = opened[0]!;
    expect(path.startsWith(cache + sep)).toBe(true);
    expect(path.endsWith(`${sep}Quarterly report.pdf`)).toBe(true);
    expect(readFileSync(path).equals(PDF)).toBe(true);
    // Opening it again reuses the copy (it may still be open in its application).
    await expect(openArchivedDocument(ref, deps())).resolves.toMatchObject({ ok: true });
    expect(opened).toEqual([path, path]);
  });

  it('never lets the sender choose the folder or the extension', async () => {
    const traversal = await storeDocument(PDF, 'application/pdf', '../../../.bashrc');
    // The route already turns separators into '_' (serve-headers.ts downloadName); the name stays one segment.
    await expect(openArchivedDocument(traversal, deps())).resolves.toEqual({ ok: true, fileName: '_.._.._.bashrc.pdf' });
    const disguised = await storeDocument(PDF, 'application/pdf', 'invoice.pdf.exe');
    await expect(openArchivedDocument(disguised, deps())).resolves.toEqual({ ok: true, fileName: 'invoice.pdf.exe.pdf' });
    for (const path of opened) expect(path.startsWith(cache + sep) && path.endsWith('.pdf')).toBe(true);
    // Only hash-named folders, each holding only what was opened.
    for (const entry of readdirSync(cache)) expect(entry).toMatch(/^[0-9a-f]{32}$/);
  });

  it('opens a generic application/octet-stream only when the name says a document type and the bytes agree', async () => {
    await expect(openArchivedDocument(await storeDocument(PDF, 'application/octet-stream', 'scan.pdf'), deps())).resolves.toEqual({ ok: true, fileName: 'scan.pdf' });
    await expect(openArchivedDocument(await storeDocument(PDF, 'application/octet-stream', 'setup.exe'), deps())).resolves.toEqual({
      ok: false,
      error: expect.stringMatching(/not opened from the app/),
    });
    expect(opened).toHaveLength(1);
  });

  it.each([
    ['a program', 'application/x-msdownload', 'setup.exe', Buffer.from('MZ\x90\x00 this is a program')],
    ['an HTML page', 'text/html', 'page.html', Buffer.from('<html><script>alert(1)</script></html>')],
    ['a shell script as octet-stream', 'application/octet-stream', 'run.sh', Buffer.from('plain words\nsecond line\n')],
  ])('refuses %s without writing or opening anything', async (_what, mimetype, filename, bytes) => {
    const result = await openArchivedDocument(await storeDocument(bytes, mimetype, filename), deps());
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/not opened from the app; use Download/) });
    expect(opened).toEqual([]);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('refuses bytes that do not match the type they claim', async () => {
    const result = await openArchivedDocument(await storeDocument(Buffer.from('MZ\x90\x00 this is a program'), 'application/pdf', 'report.pdf'), deps());
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/does not look like the PDF/) });
    expect(opened).toEqual([]);
  });

  it('opens plain text', async () => {
    await expect(openArchivedDocument(await storeDocument(Buffer.from('plain words\nsecond line\n'), 'text/plain', 'notes'), deps())).resolves.toEqual({ ok: true, fileName: 'notes.txt' });
  });

  it('reports the route\'s own answer for a missing message, and the OS\'s error when it cannot open', async () => {
    await expect(openArchivedDocument({ sessionId, scope: 'chat', jid: CHAT, messageId: 'NOSUCHMESSAGE' }, deps())).resolves.toEqual({
      ok: false,
      error: expect.stringMatching(/could not be fetched: .*no such message/i),
    });
    const ref = await storeDocument(PDF, 'application/pdf', 'x.pdf');
    await expect(openArchivedDocument(ref, deps({ openPath: async () => 'No application is associated with this file' }))).resolves.toEqual({
      ok: false,
      error: 'The document could not be opened: No application is associated with this file',
    });
  });

  it('refuses a document larger than the bound', async () => {
    const result = await openArchivedDocument(await storeDocument(PDF, 'application/pdf', 'big.pdf'), deps({ maxBytes: 100 }));
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/too large/) });
    expect(opened).toEqual([]);
  });

  it('marks the copy as downloaded from the internet on Windows', async () => {
    // The Zone.Identifier stream is an ordinary file name on Linux: it shows what Windows would get.
    await expect(openArchivedDocument(await storeDocument(PDF, 'application/pdf', 'motw.pdf'), deps({ platform: 'win32' }))).resolves.toMatchObject({ ok: true });
    expect(readFileSync(`${opened[0]!}:Zone.Identifier`, 'utf8')).toBe('[ZoneTransfer]\r\nZoneId=3\r\n');
  });
});

describe('pieces', () => {
  it('safeDocumentName keeps a readable name and the type\'s extension', () => {
    const pdf = openableDocumentType('application/pdf', null)!;
    expect(safeDocumentName('Report 2026.pdf', pdf)).toBe('Report 2026.pdf');
    expect(safeDocumentName('Report.PDF', pdf)).toBe('Report.pdf');
    expect(safeDocumentName('C:\\Users\\x\\a.pdf', pdf)).toBe('a.pdf');
    expect(safeDocumentName('a\u202Efdp.exe', pdf)).toBe('afdp.exe.pdf');
    expect(safeDocumentName('CON', pdf)).toBe('document-CON.pdf');
    expect(safeDocumentName(null, pdf)).toBe('document.pdf');
    expect(safeDocumentName('...', pdf)).toBe('document.pdf');
    expect(safeDocumentName(`${'x'.repeat(300)}.pdf`, pdf)).toBe(`${'x'.repeat(100)}.pdf`);
    expect(safeDocumentName('a<b>:"c|d?*.txt', openableDocumentType('text/plain', null)!)).toBe('abcd.txt');
  });

  it('openableDocumentType allows viewer formats only', () => {
    expect(openableDocumentType('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'x.docx')?.extension).toBe('docx');
    expect(openableDocumentType('application/pdf; charset=binary', null)?.extension).toBe('pdf');
    for (const [mime, name] of [['application/x-msdownload', 'a.exe'], ['text/html', 'a.html'], ['image/svg+xml', 'a.svg'], ['application/zip', 'a.zip'], ['application/octet-stream', 'a.lnk'], ['application/octet-stream', null], ['application/vnd.ms-word.document.macroenabled.12', 'a.docm']] as const) {
      expect(openableDocumentType(mime, name), `${mime} ${name}`).toBeNull();
    }
  });

  it('matchesSignature and dispositionFilename', () => {
    expect(matchesSignature(PDF, 'pdf')).toBe(true);
    expect(matchesSignature(Buffer.from('PK\x03\x04rest'), 'zip')).toBe(true);
    expect(matchesSignature(Buffer.from('text\x00bin'), 'text')).toBe(false);
    expect(dispositionFilename(`attachment; filename="a_b.pdf"; filename*=UTF-8''a%2Fb%20c.pdf`)).toBe('a/b c.pdf');
    expect(dispositionFilename('attachment; filename="plain.pdf"')).toBe('plain.pdf');
    expect(dispositionFilename('inline')).toBeNull();
  });

  it('pruneDocumentCache removes copies older than a day and nothing else', async () => {
    const old = join(cache, 'a'.repeat(32));
    const fresh = join(cache, 'b'.repeat(32));
    const other = join(cache, 'not-ours');
    for (const d of [old, fresh, other]) {
      mkdirSync(d);
      writeFileSync(join(d, 'f.pdf'), 'x');
    }
    const now = Date.now();
    const twoDaysAgo = (now - 2 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    await expect(pruneDocumentCache(cache, now)).resolves.toBe(1);
    expect([old, fresh, other].map((d) => existsSync(d))).toEqual([false, true, true]);
    await expect(pruneDocumentCache(join(cache, 'missing'), now)).resolves.toBe(0);
  });
});
