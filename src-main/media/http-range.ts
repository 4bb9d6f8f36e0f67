/**
 * Parsing of one HTTP `Range` header against a known size (RFC 9110 section 14). Pure: no I/O.
 *
 * Only single `bytes` ranges are honoured: `bytes=0-99`, `bytes=100-`, `bytes=-500`. Anything the server may
 * ignore under RFC 9110 14.2 (another unit, a list of several ranges, text that is not a range at all) gives
 * `null`, which means "serve the whole file with 200". A well-formed bytes range that selects nothing in this
 * file (first byte at or past the end, a zero-length suffix, last < first, an empty file) gives
 * 'unsatisfiable', which the caller answers with 416 and `Content-Range: bytes *\/<size>`.
 */
export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive (as in Content-Range). */
  end: number;
}

export type RangeResult = ByteRange | 'unsatisfiable' | null;

// One range-spec: first-last, first-, or -suffix. Digits only; optional blanks around (RFC 9110 allows OWS).
const SPEC = /^\s*(\d*)\s*-\s*(\d*)\s*$/;
// Longest decimal we accept: beyond Number.MAX_SAFE_INTEGER the arithmetic below stops being exact.
const MAX_DIGITS = 15;

export function parseRange(header: string | undefined | null, size: number): RangeResult {
  if (header == null) return null;
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer, got ${size}`);
  const eq = header.indexOf('=');
  if (eq < 0) return null;
  if (header.slice(0, eq).trim().toLowerCase() !== 'bytes') return null;
  const specs = header.slice(eq + 1);
  if (specs.includes(',')) return null;
  const m = SPEC.exec(specs);
  if (!m) return null;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return null;
  if (first.length > MAX_DIGITS || last.length > MAX_DIGITS) return 'unsatisfiable';
  if (first === '') {
    // Suffix range: the last N bytes.
    const n = Number(last);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (end < start) return 'unsatisfiable';
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** `Content-Range` value for a 206 (`bytes 0-99/1234`) or, with null, for a 416 (`bytes *\/1234`). */
export function contentRange(range: ByteRange | null, size: number): string {
  return range ? `bytes ${range.start}-${range.end}/${size}` : `bytes */${size}`;
}
