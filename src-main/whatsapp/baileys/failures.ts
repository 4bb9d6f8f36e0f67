/**
 * How the adapter reads Baileys' failures: close codes (a Boom carries output.statusCode), short messages, the
 * AppError a caller sees (stacks stay in the log), and a timeout for promises Baileys may leave pending.
 */
import { AppError, UpstreamError, isAppError } from '../../core/errors.js';
import { knownSendFailure } from '../send-errors.js';

/** statusCode and a short reason of a connection close (a Boom carries output.statusCode). */
export function describeClose(error: unknown): { statusCode: number | undefined; reason: string } {
  if (error === undefined || error === null) {
    return { statusCode: undefined, reason: 'connection ended' };
  }
  const code = statusCodeOf(error);
  // An error without a code is still not our own end(): report it as "connection closed" (428), not undefined.
  return { statusCode: code ?? 428, reason: messageOf(error) || 'connection closed' };
}

export function statusCodeOf(e: unknown): number | undefined {
  const output = (e as { output?: { statusCode?: unknown } } | null)?.output;
  const code = output?.statusCode;
  return typeof code === 'number' && Number.isFinite(code) ? code : undefined;
}

export function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  // First line only and bounded: Boom messages can carry whole payloads.
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

export function upstream(action: string, e: unknown): AppError {
  if (isAppError(e)) return e;
  const code = statusCodeOf(e);
  const msg = messageOf(e);
  return new UpstreamError(msg ? `${action}: ${msg}` : action, code !== undefined ? { statusCode: code } : {});
}

/** WhatsApp answers a follow of a channel we already follow with an error; for us that is success. */
export function isAlreadyFollowing(e: unknown): boolean {
  const text = messageOf(e);
  return statusCodeOf(e) === 409 || /already/i.test(text);
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref?.();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * A send WhatsApp refused at once (sock.sendMessage rejected), as the caller and the stored message's `error`
 * see it (issue 13): the readable text of a known status code (whatsapp/send-errors.ts), a timeout as such, else
 * "WhatsApp did not accept the message: <first line>". Already an AppError (our own checks): unchanged.
 */
export function sendFailure(e: unknown): AppError {
  if (isAppError(e)) return e;
  const code = statusCodeOf(e);
  const msg = messageOf(e);
  const timedOut = code === 408 || /timed? ?out/i.test(msg);
  const known = knownSendFailure(timedOut ? 408 : code);
  const text = known ?? (msg ? `WhatsApp did not accept the message: ${msg}` : 'WhatsApp did not accept the message');
  return new UpstreamError(text, { ...(code !== undefined ? { statusCode: code } : {}), ...(msg && known ? { reason: msg } : {}) });
}
