/**
 * Opaque keyset cursors. A cursor is base64url(JSON payload) + "." + HMAC, where the payload names the
 * listing it belongs to (e.g. messages of one chat of one session) and the position after which the next
 * page starts. A forged, corrupted or foreign cursor fails verification and becomes a 400, never a 500.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors.js';

export interface CursorCodec {
  encode(listing: string, position: readonly (string | number)[]): string;
  /** Returns the position, or throws ValidationError when the cursor is not one we issued for this listing. */
  decode(listing: string, cursor: string): (string | number)[];
}

export function createCursorCodec(secret: string): CursorCodec {
  const sign = (data: string) => createHmac('sha256', secret).update(data).digest('base64url').slice(0, 22);
  const invalid = () => new ValidationError('cursor is invalid or does not belong to this listing', { field: 'cursor' });
  return {
    encode(listing, position) {
      const data = Buffer.from(JSON.stringify(position)).toString('base64url');
      return `${data}.${sign(`${listing}\n${data}`)}`;
    },
    decode(listing, cursor) {
      const dot = cursor.indexOf('.');
      if (dot <= 0 || cursor.length > 2048) throw invalid();
      const data = cursor.slice(0, dot);
      const mac = Buffer.from(cursor.slice(dot + 1));
      const expected = Buffer.from(sign(`${listing}\n${data}`));
      if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid();
      let position: unknown;
      try {
        position = JSON.parse(Buffer.from(data, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      if (!Array.isArray(position) || !position.every((p) => typeof p === 'string' || typeof p === 'number')) {
        throw invalid();
      }
      return position as (string | number)[];
    },
  };
}
