/**
 * Numbers and enums of WhatsApp payloads, read defensively: payloads come as protobuf instances with Long, as
 * plain objects, or as toJSON output where Longs are strings and enums are names. Never throws.
 */
import { proto } from '@whiskeysockets/baileys';

const Status = proto.WebMessageInfo.Status;
const StubType = proto.WebMessageInfo.StubType;


/** Number(toNumber(x)) for Long | number | string | null, without throwing; NaN-safe (0). */
export function toNum(x: unknown): number {
  if (typeof x === 'number') return Number.isFinite(x) ? x : 0;
  if (x === null || x === undefined) return 0;
  if (typeof x === 'string') {
    const n = Number(x);
    return Number.isFinite(n) ? n : 0;
  }
  if (typeof x === 'object') {
    const long = x as { toNumber?: () => number; low?: number };
    if (typeof long.toNumber === 'function') {
      const n = long.toNumber();
      return Number.isFinite(n) ? n : 0;
    }
    if (typeof long.low === 'number') return long.low;
  }
  if (typeof x === 'bigint') return Number(x);
  return 0;
}

/** WhatsApp seconds (or, defensively, milliseconds) to epoch ms; 0 when absent. */
export function toMillis(x: unknown): number {
  const n = toNum(x);
  if (n <= 0) return 0;
  return n > 1e11 ? Math.floor(n) : Math.floor(n * 1000);
}

export function enumValue(value: unknown, names: Record<string, number>): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const named = names[value];
    if (typeof named === 'number') return named;
    const n = Number(value);
    return Number.isInteger(n) ? n : null;
  }
  return null;
}

export function stubTypeOf(m: { messageStubType?: unknown }): number | null {
  const v = enumValue(m.messageStubType, StubType as unknown as Record<string, number>);
  return v === null || v === 0 ? null : v;
}

export function statusOf(value: unknown): number | null {
  const v = enumValue(value, Status as unknown as Record<string, number>);
  return v === null || v < 0 || v > 5 ? null : v;
}

export function stringParams(m: { messageStubParameters?: unknown }): string[] {
  const p = m.messageStubParameters;
  if (!Array.isArray(p)) return [];
  const out: string[] = [];
  for (const v of p) if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
  return out;
}

/** Error text of an ERROR ack or a CIPHERTEXT stub: its stub parameters, e.g. "463: account restricted". */
export function errorText(params: unknown): string | null {
  const list = stringParams({ messageStubParameters: params }).filter((s) => s.length > 0);
  return list.length ? list.join(': ') : null;
}

/** Ack level from a message's receipts (groups): played > read > delivered. */
export function receiptLevel(receipt: proto.IUserReceipt | null | undefined): number {
  if (!receipt) return 0;
  if (toNum(receipt.playedTimestamp) > 0) return Status.PLAYED;
  if (toNum(receipt.readTimestamp) > 0) return Status.READ;
  if (toNum(receipt.receiptTimestamp) > 0) return Status.DELIVERY_ACK;
  return 0;
}

