/**
 * The one table from a domain error code (src-main/core/errors.ts) to what the HTTP API answers: the status and
 * the `code` of the error envelope (API.md "Errors"). Two domain codes are finer than the wire: `invalid_value`
 * is a 422 `validation_error`, `upstream_failed` a 502 `internal`.
 */
import type { ErrorCode } from '../core/errors.js';

export const ERROR_STATUS: Readonly<Record<ErrorCode, { status: number; code: string }>> = {
  validation_error: { status: 400, code: 'validation_error' },
  invalid_value: { status: 422, code: 'validation_error' },
  unauthorized: { status: 401, code: 'unauthorized' },
  forbidden: { status: 403, code: 'forbidden' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  payload_too_large: { status: 413, code: 'payload_too_large' },
  unsupported_media_type: { status: 415, code: 'unsupported_media_type' },
  rate_limited: { status: 429, code: 'rate_limited' },
  not_implemented: { status: 501, code: 'not_implemented' },
  upstream_failed: { status: 502, code: 'internal' },
  internal: { status: 500, code: 'internal' },
};

export function httpErrorOf(code: ErrorCode): { status: number; code: string } {
  return ERROR_STATUS[code];
}
