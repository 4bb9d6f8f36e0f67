/**
 * The media type of a file we are asked to send (issue 13) when the caller does not say: sniffed from the first
 * bytes (the signatures of the formats WhatsApp carries), else from the filename's extension. A small table of
 * our own rather than a package: `file-type` is only a transitive dependency here, and these few signatures are
 * all a send needs. No I/O.
 */

const ascii = (bytes: Uint8Array, at: number, text: string): boolean => {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const starts = (bytes: Uint8Array, sig: readonly number[]): boolean => sig.every((b, i) => bytes[i] === b);

/** The media type the bytes announce, or null when none of the known signatures matches. */
export function sniffMimetype(bytes: Uint8Array): string | null {
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'image/gif';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'audio/wav';
  if (ascii(bytes, 4, 'ftyp')) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (/^(M4A |M4B |M4P )$/.test(brand)) return 'audio/mp4';
    if (/^3g/.test(brand)) return 'video/3gpp';
    if (/^(heic|heix|mif1|msf1)$/.test(brand)) return 'image/heic';
    if (/^qt {2}$/.test(brand)) return 'video/quicktime';
    return 'video/mp4';
  }
  if (ascii(bytes, 0, 'OggS')) return ascii(bytes, 28, 'OpusHead') ? 'audio/ogg; codecs=opus' : 'audio/ogg';
  if (ascii(bytes, 0, 'ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0 && ((bytes[1] ?? 0) & 0x06) !== 0)) {
    return 'audio/mpeg';
  }
  if (ascii(bytes, 0, 'fLaC')) return 'audio/flac';
  if (ascii(bytes, 0, '#!AMR')) return 'audio/amr';
  if (starts(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(bytes, 0, '%PDF-')) return 'application/pdf';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  return null;
}

const BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  '3gp': 'video/3gpp',
  mov: 'video/quicktime',
  webm: 'video/webm',
  ogg: 'audio/ogg',
  opus: 'audio/ogg; codecs=opus',
  oga: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  amr: 'audio/amr',
  flac: 'audio/flac',
  pdf: 'application/pdf',
  zip: 'application/zip',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  vcf: 'text/vcard',
};

/** The media type of a filename's extension, or null. */
export function mimetypeFromFilename(filename: string | null | undefined): string | null {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(filename ?? '');
  return m ? (BY_EXTENSION[m[1]!.toLowerCase()] ?? null) : null;
}

/** Given, else sniffed, else from the filename, else application/octet-stream. */
export function resolveMimetype(given: string | null | undefined, bytes: Uint8Array, filename: string | null | undefined): string {
  const g = typeof given === 'string' ? given.trim().toLowerCase() : '';
  if (g) return g;
  return sniffMimetype(bytes) ?? mimetypeFromFilename(filename) ?? 'application/octet-stream';
}
