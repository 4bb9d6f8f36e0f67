/**
 * The one error hierarchy of the gateway. Every failure a caller can see is an AppError: a domain code, a
 * message, details and (rarely) headers the caller should see, such as Retry-After. It carries no HTTP
 * status: each door decides how to show a code; the HTTP API's table is src-main/api/error-status.ts.
 * Anything else that escapes is a bug and becomes a 500 `internal` with nothing leaked.
 */
export type ErrorCode =
  /** Malformed input: a bad parameter, a body that is not what the operation takes. */
  | 'validation_error'
  /** Well-formed input whose value is not allowed (presence `state`); shown as `validation_error` too. */
  | 'invalid_value'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'not_implemented'
  /** The WhatsApp side failed while a live client was asked to act (not the caller's fault). */
  | 'upstream_failed'
  | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After for rate_limited). */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, headers?: Record<string, string>);
  /**
   * @deprecated TEMPORARY (issue 8 merge): src-main/whatsapp/baileys/{adapter,auth-state}.ts still pass an HTTP
   * status, which is ignored. Delete this overload once those call sites pass (code, message, details).
   */
  constructor(code: ErrorCode, legacyStatus: number, message: string, details?: Record<string, unknown>);
  constructor(
    code: ErrorCode,
    messageOrStatus: string | number,
    detailsOrMessage?: Record<string, unknown> | string,
    headersOrDetails?: Record<string, string> | Record<string, unknown>,
  ) {
    const legacy = typeof messageOrStatus === 'number';
    super(legacy ? String(detailsOrMessage ?? '') : messageOrStatus);
    this.name = 'AppError';
    this.code = code;
    this.details = (legacy ? headersOrDetails : detailsOrMessage) as Record<string, unknown> | undefined ?? {};
    this.headers = legacy ? {} : ((headersOrDetails as Record<string, string> | undefined) ?? {});
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('validation_error', message, details);
  }
}

/** A well-formed value that the operation does not allow (API.md: presence with a bad `state`). */
export class InvalidValueError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('invalid_value', message, details);
  }
}

export class UnauthorizedError extends AppError {
  // One message for every cause, so a caller cannot probe which part of a credential was wrong.
  constructor() {
    super('unauthorized', 'missing or invalid credentials');
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('forbidden', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('not_found', message, details);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('conflict', message, details);
  }
}

export class NotImplementedError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('not_implemented', message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('payload_too_large', `request body is larger than ${limitBytes} bytes`, { limitBytes });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(got: string | undefined) {
    super('unsupported_media_type', 'request body must be application/json', { contentType: got ?? null });
  }
}

export class RateLimitedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** A failure of the WhatsApp side while a live client was asked to do something (not the caller's fault). */
export class UpstreamError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('upstream_failed', message, details);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
