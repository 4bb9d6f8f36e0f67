/**
 * The raw WhatsApp payload kept with a message (messages.raw): its one writer and its readers. Ingestion
 * stores every message this way; the adapter stores what it sent the same way; getMessage (Baileys' retries
 * of our own sends) and replies read it back here. The text is JSON that proto.*.fromObject accepts; the
 * reviver also accepts older rows written with JSON.stringify(m, BufferJSON.replacer).
 */
import { BufferJSON, proto, type WAMessage } from '@whiskeysockets/baileys';

const quotedKeys = new Map<string, string>();

function quoteKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 4096) quotedKeys.set(k, q); // field names: a small, fixed vocabulary
  }
  return q;
}

/** protobufjs Long -> decimal. Long.toString divides digit by digit; toNumber is exact below 2^53. */
function longText(v: { toNumber(): number; toString(): string }): string {
  const n = v.toNumber();
  return Number.isSafeInteger(n) ? String(n) : v.toString();
}

/**
 * JSON text of a payload, walking only the fields that are set. Protobuf instances keep set fields as own
 * properties and defaults on the prototype, so this visits a handful of keys where protobufjs' toJSON checks
 * every field of every nested type (WAProto's Message alone has ~100): measured ~2.5x faster than
 * JSON.stringify(m, BufferJSON.replacer) on sandbox history. Output, like toJSON's: bytes as base64, 64-bit
 * integers as decimal strings; enums stay numbers and empty lists are left out. proto.*.fromObject reads all
 * of it back and BufferJSON.reviver leaves it intact. Unlike toJSON it keeps the key fields Baileys adds
 * beyond the protobuf (remoteJidAlt, participantAlt, addressingMode, server_id).
 */
function writeJson(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `"${v}"`;
    case 'object': {
      if (v === null) return undefined;
      if (v instanceof Uint8Array) return `"${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}"`;
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (writeJson(v[i]) ?? 'null');
        return `${out}]`;
      }
      if ((v as { __isLong__?: unknown }).__isLong__ === true) return `"${longText(v as never)}"`;
      const o = v as Record<string, unknown>;
      if (o.type === 'Buffer' && Array.isArray(o.data)) return `"${Buffer.from(o.data as number[]).toString('base64')}"`;
      let out = '{';
      let first = true;
      const keys = Object.keys(o);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const x = o[k];
        if (x === null || x === undefined || (Array.isArray(x) && x.length === 0)) continue;
        const text = writeJson(x);
        if (text === undefined) continue;
        out += (first ? '' : ',') + quoteKey(k) + ':' + text;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined; // functions, symbols, undefined: left out, as JSON.stringify does
  }
}

/** The writer: the text stored in messages.raw for a payload (incoming, history, or what we sent). */
export function writeRawMessage(m: WAMessage): string | null {
  try {
    return writeJson(m) ?? null;
  } catch {
    return null;
  }
}

/** Parses a stored payload; throws on unreadable text. */
function parse(raw: string): (Record<string, unknown> & { key?: Record<string, unknown>; message?: unknown }) | null {
  return JSON.parse(raw, BufferJSON.reviver) as (Record<string, unknown> & { key?: Record<string, unknown> }) | null;
}

/** The message content of a stored payload for Baileys' getMessage, or undefined when it has none. Throws on unreadable text. */
export function readRawContent(raw: string): proto.IMessage | undefined {
  const content = parse(raw)?.message;
  if (!content || typeof content !== 'object') return undefined;
  return proto.Message.fromObject(content as Record<string, unknown>);
}

/**
 * The whole stored payload as Baileys expects a quoted message (key + content), or null when it has no key or
 * no content (a revoked message). Throws on unreadable text.
 */
export function readRawMessage(raw: string): WAMessage | null {
  const parsed = parse(raw);
  if (!parsed?.key || !parsed.message) return null;
  const m = proto.WebMessageInfo.fromObject(parsed) as WAMessage;
  // fromObject drops the key fields Baileys adds beyond the protobuf (BAILEYS.md section 6); put them back.
  Object.assign(m.key, parsed.key);
  return m;
}
