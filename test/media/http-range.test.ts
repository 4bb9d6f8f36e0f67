import { describe, expect, it } from 'vitest';
import { contentRange, parseRange } from '../../src-main/media/http-range.js';
import {
  contentDisposition,
  encodeRfc5987,
  etagMatches,
  isInlineSafe,
  planMediaResponse,
  planThumbnailResponse,
  safeContentType,
} from '../../src-main/media/serve-headers.js';

const SHA = 'ab'.repeat(32);

describe('parseRange', () => {
  it('reads the three single-range forms and clamps the end', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('Bytes = 1 - 2 ', 1000)).toEqual({ start: 1, end: 2 });
  });

  it('says unsatisfiable for ranges outside the file, reversed or empty', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=5000-6000', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=10-5', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=99999999999999999999-', 1000)).toBe('unsatisfiable');
  });

  it('ignores (null) what the server may ignore: no header, other units, several ranges, garbage', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=0-1,3-4', 10)).toBeNull();
    expect(parseRange('bytes=a-b', 10)).toBeNull();
    expect(parseRange('bytes=-', 10)).toBeNull();
    expect(parseRange('0-1', 10)).toBeNull();
  });

  it('formats Content-Range', () => {
    expect(contentRange({ start: 0, end: 99 }, 1234)).toBe('bytes 0-99/1234');
    expect(contentRange(null, 1234)).toBe('bytes */1234');
  });
});

describe('serve headers', () => {
  const file = { sha256: SHA, size: 1000, mimetype: 'image/jpeg', filename: null, kind: 'image' };

  it('a full answer carries every header of the contract', () => {
    const p = planMediaResponse(file);
    expect(p.status).toBe(200);
    expect(p.headers).toEqual({
      'Content-Type': 'image/jpeg',
      'Content-Length': '1000',
      ETag: `"${SHA}"`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Content-Disposition': 'inline',
    });
  });

  it('Range 0-99 is a 206 of 100 bytes with the right Content-Range; a bad range is 416', () => {
    const p = planMediaResponse(file, { range: 'bytes=0-99' });
    expect(p.status).toBe(206);
    expect(p.range).toEqual({ start: 0, end: 99 });
    expect(p.headers['Content-Length']).toBe('100');
    expect(p.headers['Content-Range']).toBe('bytes 0-99/1000');
    const bad = planMediaResponse(file, { range: 'bytes=2000-' });
    expect(bad.status).toBe(416);
    expect(bad.headers['Content-Range']).toBe('bytes */1000');
  });

  it('If-None-Match with the ETag is a 304 (before any range); If-Range with another validator serves it whole', () => {
    expect(planMediaResponse(file, { ifNoneMatch: `"${SHA}"`, range: 'bytes=0-1' }).status).toBe(304);
    expect(planMediaResponse(file, { ifNoneMatch: `W/"${SHA}", "x"` }).status).toBe(304);
    expect(planMediaResponse(file, { ifNoneMatch: '*' }).status).toBe(304);
    expect(planMediaResponse(file, { ifNoneMatch: '"other"' }).status).toBe(200);
    expect(planMediaResponse(file, { range: 'bytes=0-1', ifRange: '"other"' }).status).toBe(200);
    expect(planMediaResponse(file, { range: 'bytes=0-1', ifRange: `"${SHA}"` }).status).toBe(206);
    expect(etagMatches(undefined, '"a"')).toBe(false);
  });

  it('inline only for image, video and audio, never SVG, HTML or XML', () => {
    for (const m of ['image/jpeg', 'image/webp', 'video/mp4', 'audio/ogg; codecs=opus']) expect(isInlineSafe(m), m).toBe(true);
    for (const m of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'application/pdf', 'image/x-html', null, 'image/jpeg\r\nX: y']) {
      expect(isInlineSafe(m), String(m)).toBe(false);
    }
  });

  it('anything else is an attachment with an RFC 5987 filename*', () => {
    const d = contentDisposition({ sha256: SHA, mimetype: 'application/pdf', filename: 'Résumé (final)*.pdf', kind: 'document' });
    expect(d).toBe(`attachment; filename="R_sum_ (final)*.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29%2A.pdf`);
    expect(encodeRfc5987("a'b")).toBe('a%27b');
    // Path parts and control characters never reach the name.
    expect(contentDisposition({ sha256: SHA, mimetype: 'text/html', filename: '../../etc/passwd\n', kind: 'document' })).toContain(
      "filename*=UTF-8''_.._etc_passwd_",
    );
    // No name: kind, hash prefix and an extension from the type.
    expect(contentDisposition({ sha256: SHA, mimetype: 'application/pdf', filename: null, kind: 'document' })).toContain(
      `filename*=UTF-8''document-${SHA.slice(0, 12)}.pdf`,
    );
    const svg = planMediaResponse({ ...file, mimetype: 'image/svg+xml' });
    expect(svg.headers['Content-Disposition']).toMatch(/^attachment; /);
  });

  it('a malformed mimetype becomes application/octet-stream (no header injection)', () => {
    expect(safeContentType('image/png\r\nSet-Cookie: a=b')).toBe('application/octet-stream');
    expect(safeContentType('')).toBe('application/octet-stream');
    expect(safeContentType('audio/ogg; codecs=opus')).toBe('audio/ogg; codecs=opus');
  });

  it('the thumbnail answer is an inline JPEG with its own ETag', () => {
    const p = planThumbnailResponse(SHA, 440);
    expect(p).toMatchObject({ status: 200, headers: { 'Content-Type': 'image/jpeg', 'Content-Length': '440', 'Content-Disposition': 'inline', 'X-Content-Type-Options': 'nosniff' } });
    expect(planThumbnailResponse(SHA, 440, { ifNoneMatch: `"${SHA}"` }).status).toBe(304);
  });
});
