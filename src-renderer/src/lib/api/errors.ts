/** The one error type the API client throws: the envelope's code and message, or a network failure. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status, or 0 when the request never got an answer. */
    readonly status: number,
    /** The envelope's `code` (validation_error, not_found, ...), or 'network' / 'bad_response'. */
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** 501: the operation needs a live WhatsApp client. */
  get isNotLive(): boolean {
    return this.status === 501;
  }
}

/** Builds the ApiError for a failed response body (the `{error:{code,message,details}}` envelope when present). */
export function errorFromEnvelope(status: number, body: unknown, statusText = ''): ApiError {
  if (body && typeof body === 'object' && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (e && typeof e === 'object') {
      const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown };
      return new ApiError(
        status,
        typeof code === 'string' ? code : 'error',
        typeof message === 'string' && message ? message : `Request failed (${status})`,
        details && typeof details === 'object' ? (details as Record<string, unknown>) : {},
      );
    }
  }
  return new ApiError(status, 'bad_response', `Request failed (${status}${statusText ? ` ${statusText}` : ''})`);
}

/** A message to show for anything caught in the UI. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The gateway's answer for a file it is still fetching: 502 with `details.state: 'queued'` and Retry-After. */
export function isStillDownloading(error: unknown): boolean {
  return error instanceof ApiError && error.status === 502 && error.details.state === 'queued';
}
