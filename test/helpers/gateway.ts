/**
 * Test harness: a real gateway (real SQLite file in a temp dir, real HTTP on 127.0.0.1, port 0) with the
 * WhatsApp side replaced at the port when a test needs a live client. Every JSON response is checked
 * against the served OpenAPI document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createApiKeyService } from '../../src-main/auth/api-keys.js';
import type { Capability, MessageRecord } from '../../src-main/core/types.js';
import type { WhatsAppClientFactory } from '../../src-main/core/whatsapp-port.js';
import { defaultConfig, type GatewayConfig } from '../../src-main/gateway/config.js';
import { createGateway } from '../../src-main/gateway/create-gateway.js';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

export interface RequestOptions {
  auth?: string | null;
  apiKeyHeader?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Skip the OpenAPI response check (for deliberately odd requests). */
  unchecked?: boolean;
}

export type TestGateway = Awaited<ReturnType<typeof startTestGateway>>;

export async function startTestGateway(options: {
  baileysFactory?: WhatsAppClientFactory;
  sandboxFactory?: WhatsAppClientFactory;
  config?: Partial<GatewayConfig>;
  /** The gateway's clock (e.g. a FakeClock's now, for token lifetimes). */
  now?: () => number;
} = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wagw-test-'));
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    }),
  );
  const gateway = createGateway(defaultConfig({ dataDir, port: 0, logLevel: 'debug', ...options.config }), {
    logger,
    ...(options.now ? { now: options.now } : {}),
    ...(options.baileysFactory ? { baileysFactory: options.baileysFactory } : {}),
    ...(options.sandboxFactory ? { sandboxFactory: options.sandboxFactory } : {}),
  });
  const info = await gateway.start();
  const running = gateway.running()!;
  const { store, organizationId } = running;
  const token = await gateway.mintLoginToken();
  const apiKeys = createApiKeyService({ store });
  const doc = (await raw('GET', '/api/v1/openapi.json')).body;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(doc, 'openapi');
  const routeMatchers = Object.keys(doc.paths).map((p) => ({
    template: p,
    regex: new RegExp(
      `^${(p.startsWith('/healthz') || p.startsWith('/.well-known') ? '' : '/api/v1') + p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\}/g, '[^/]+')}$`,
    ),
  }));
  const checked: string[] = [];

  function raw(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth) headers.authorization = `Bearer ${opts.auth}`;
    if (opts.apiKeyHeader) headers['x-api-key'] = opts.apiKeyHeader;
    let payload: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    headers.host ??= `127.0.0.1:${info.port}`;
    return new Promise((resolve, reject) => {
      const safePath = path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
      const req = httpRequest({ host: '127.0.0.1', port: info.port, method, path: safePath, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      });
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Validates a JSON response against the OpenAPI document's schema for that operation and status. */
  function check(method: string, path: string, res: HttpResult): void {
    const pathOnly = path.split('?')[0]!;
    const match = routeMatchers
      .filter((m) => m.regex.test(pathOnly) && doc.paths[m.template][method.toLowerCase()])
      // Prefer the most specific template (fewest parameters), e.g. /sessions/{session}:start over /sessions/{session}.
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0))[0];
    if (!match) {
      if (res.status !== 404 && res.status !== 403) throw new Error(`no documented route for ${method} ${pathOnly} (status ${res.status})`);
      return;
    }
    const op = doc.paths[match.template][method.toLowerCase()];
    const response = op.responses[String(res.status)];
    if (!response) throw new Error(`${method} ${match.template} answered ${res.status}, which is not documented`);
    // A non-JSON answer (an export: text, HTML, CSV, zip) must be one of the documented media types.
    const mediaType = String(res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (response.content && mediaType && mediaType !== 'application/json') {
      if (!response.content[mediaType]) throw new Error(`${method} ${match.template} ${res.status}: ${mediaType} is not documented`);
      checked.push(`${method.toUpperCase()} ${match.template} ${res.status} ${mediaType}`);
      return;
    }
    const content = response.content?.['application/json'];
    if (!content) {
      if (res.status === 204 && res.text !== '') throw new Error(`${method} ${match.template}: 204 with a body`);
      return;
    }
    const pointer = ['paths', match.template, method.toLowerCase(), 'responses', String(res.status), 'content', 'application/json', 'schema']
      .map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    const validate = ajv.getSchema(`openapi#/${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    if (!validate(res.body)) {
      throw new Error(`${method} ${match.template} ${res.status} does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${res.text.slice(0, 500)}`);
    }
    checked.push(`${method.toUpperCase()} ${match.template} ${res.status}`);
  }

  async function req(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> {
    const res = await raw(method, path, opts);
    if (res.status >= 500 && res.status !== 501 && res.status !== 502) {
      throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    }
    if (!opts.unchecked) check(method, path, res);
    return res;
  }

  return {
    gateway,
    info,
    running,
    store,
    organizationId,
    token,
    dataDir,
    logLines,
    doc,
    checked,
    req,
    raw,
    key(capabilities: Capability[], name = 'test key'): string {
      return apiKeys.create(organizationId, name, capabilities).key;
    },
    /** A stored session of our organization (no client). */
    session(label = 'test'): string {
      return running.sessions.create({ organizationId, label }).id;
    },
    /** Stores a chat with n text messages, timestamps t0, t0+1000, ... */
    seedChat(sessionId: string, chatJid: string, n: number, t0 = 1_700_000_000_000): void {
      store.transaction(() => {
        store.chats.ensure(sessionId, chatJid, chatJid.endsWith('@g.us') ? 'group' : 'dm', `Chat ${chatJid}`);
        for (let i = 0; i < n; i++) {
          store.messages.insert(sessionId, textRecord(chatJid, `m${i}`, t0 + i * 1000, `message ${i}`));
        }
        store.chats.touch(sessionId, chatJid, t0 + (n - 1) * 1000);
      });
    },
    async close(): Promise<void> {
      await gateway.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function textRecord(chatJid: string, id: string, timestamp: number, body: string): MessageRecord {
  return {
    waMessageId: id,
    chatJid,
    fromMe: false,
    senderJid: chatJid.endsWith('@g.us') ? '6281111111111@s.whatsapp.net' : chatJid,
    senderLid: null,
    senderName: 'Alice',
    type: 'text',
    body,
    media: null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: null,
    timestamp,
    ackLevel: 3,
    error: null,
    edited: false,
    deleted: false,
    placeholder: false,
    raw: null,
  };
}
