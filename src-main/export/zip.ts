/**
 * `media=include`: a zip (yazl, streamed) holding the document and a media/ folder. The document entry is
 * written as it is produced; media files are added after it, one lazily opened read stream each (no file is
 * opened before its turn), without compression (photos, videos and voice notes are compressed already).
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { ZipFile } from 'yazl';

export interface ZipExport {
  /** The zip's bytes: pipe them to the response or file. */
  output: Readable;
  /** Where the document is written (end() it when done). */
  document: Writable;
  /** Adds a file under `path`, opened only when the zip reaches it. */
  addFile(path: string, open: () => Readable): void;
  /** No more entries: the zip finishes once the document and every file are written. */
  finish(): void;
}

export function createZipExport(documentName: string, mtime: Date): ZipExport {
  const zip = new ZipFile();
  const document = new PassThrough({ highWaterMark: 256 * 1024 });
  zip.addReadStream(document, documentName, { mtime, compress: true });
  // yazl reports a failing entry (a media file gone from disk) as an 'error' on the ZipFile, which nothing else
  // listens to: an unheard 'error' would end the process. The output stream carries it to whoever reads the zip.
  const output = zip.outputStream as Readable;
  zip.on('error', (err: Error) => output.destroy(err));
  return {
    output,
    document,
    addFile(path, open) {
      zip.addReadStreamLazy(path, { mtime, compress: false }, (cb) => {
        let stream: Readable;
        try {
          stream = open();
        } catch (err) {
          cb(err, new PassThrough());
          return;
        }
        cb(null, stream);
      });
    },
    finish: () => zip.end(),
  };
}
