/**
 * The one error hierarchy of the gateway. Every failure a caller can see is an AppError;
 * the API's error middleware maps it to the envelope `{error:{code,message,details}}`.
 * Anything else that escapes is a bug and becomes a 500 `internal` with nothing leaked.
 */
export type ErrorCode =
  | 'validation_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'not_implemented'
  | 'internal';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After for 429). */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    status: number,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.headers = headers;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}, status: 400 | 422 = 400) {
    super('validation_error', status, message, details);
  }
}

export class UnauthorizedError extends AppError {
  // One message for every cause, so a caller cannot probe which part of a credential was wrong.
  constructor() {
    super('unauthorized', 401, 'missing or invalid credentials');
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('forbidden', 403, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('not_found', 404, message, details);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('conflict', 409, message, details);
  }
}

export class NotImplementedError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('not_implemented', 501, message, details);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('payload_too_large', 413, `request body is larger than ${limitBytes} bytes`, { limitBytes });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(got: string | undefined) {
    super('unsupported_media_type', 415, 'request body must be application/json', { contentType: got ?? null });
  }
}

export class RateLimitedError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', 429, message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** A failure of the WhatsApp side while a live client was asked to do something (not the caller's fault). */
export class UpstreamError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('internal', 502, message, details);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
