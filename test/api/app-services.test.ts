/**
 * The app layer (src-main/app) without any door: the same principal gets the same answer from a service as
 * from HTTP, in the documented check order (capability -> session in the caller's org -> resource -> input ->
 * live client), and input is read only when the order reaches it. Also the one code -> HTTP status table.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../src-main/api/error-status.js';
import { createAppServices, type AppServices } from '../../src-main/app/index.js';
import { createApiKeyService } from '../../src-main/auth/api-keys.js';
import { createCursorCodec } from '../../src-main/core/cursor.js';
import type { ErrorCode } from '../../src-main/core/errors.js';
import type { GatewayEvent } from '../../src-main/core/events.js';
import type { Principal } from '../../src-main/core/types.js';
import { createSessionManager } from '../../src-main/gateway/session-manager.js';
import { tempStore, type TempStore } from '../helpers/store.js';
import { textRecord } from '../helpers/gateway.js';

const key = (organizationId: string, capabilities: Principal['capabilities']): Principal => ({
  kind: 'api_key',
  keyId: 'k1',
  organizationId,
  capabilities,
});

/** An input reader that fails the test if a service reads it. */
const unread = <T>(): (() => T) => () => {
  throw new Error('the input was read before the check order reached it');
};

/** The domain code a call fails with. */
async function codeOf(call: () => unknown): Promise<string> {
  try {
    await call();
  } catch (e) {
    return (e as { code?: string }).code ?? `not an AppError: ${String(e)}`;
  }
  return 'no error';
}

describe('app services', () => {
  let t: TempStore;
  let app: AppServices;
  let events: GatewayEvent[];
  let all: Principal;
  let sessionId: string;

  beforeEach(() => {
    t = tempStore();
    events = [];
    const publisher = { publish: (e: GatewayEvent) => void events.push(e) };
    const sessions = createSessionManager({
      store: t.store,
      publisher,
      logger: pino({ level: 'silent' }),
      baileysFactory: () => {
        throw new Error('no client in these tests');
      },
      sandboxFactory: null,
    });
    app = createAppServices({
      store: t.store,
      sessions,
      sandbox: null,
      apiKeys: createApiKeyService({ store: t.store }),
      cursors: createCursorCodec('test-secret'),
      publisher,
    });
    all = key(t.organizationId, ['read', 'send', 'manage']);
    sessionId = app.sessions.create(all, () => ({ label: 'one' })).id;
    events.length = 0;
  });
  afterEach(() => t.cleanup());

  it('checks the capability before anything else, and hides other organizations\' sessions', async () => {
    const readOnly = key(t.organizationId, ['read']);
    expect(await codeOf(() => app.chats.delete(readOnly, 'no-such-session', 'x@s.whatsapp.net'))).toBe('forbidden');
    expect(await codeOf(() => app.sessions.create(readOnly, unread()))).toBe('forbidden');
    const stranger = key('org_other', ['read', 'send', 'manage']);
    expect(await codeOf(() => app.sessions.get(stranger, sessionId))).toBe('not_found');
    expect(await codeOf(() => app.chats.page(stranger, sessionId, { limit: 10 }))).toBe('not_found');
    expect(await codeOf(() => app.keys.list(all))).toBe('forbidden'); // keys are for a person's login token
  });

  it('reads input only after the session and resource checks; a live client is asked for last', async () => {
    expect(await codeOf(() => app.chats.setPresence(all, 'nope', 'x@s.whatsapp.net', unread()))).toBe('not_found');
    expect(await codeOf(() => app.chats.setPresence(all, sessionId, 'not-a-jid', unread()))).toBe('validation_error');
    expect(await codeOf(() => app.chats.setPresence(all, sessionId, '6281234567890@s.whatsapp.net', () => ({ state: 'dancing' })))).toBe('invalid_value');
    expect(await codeOf(() => app.chats.setPresence(all, sessionId, '6281234567890@s.whatsapp.net', () => ({ state: 'composing' })))).toBe('not_implemented');
    expect(await codeOf(() => app.messages.sendText(all, sessionId, () => ({ to: 'bad', text: 'x' })))).toBe('validation_error');
    // Documented exception: channel create answers not_implemented without a live client before reading input.
    expect(await codeOf(() => app.channels.create(all, sessionId, unread()))).toBe('not_implemented');
    expect(await codeOf(() => app.channels.follow(all, sessionId, 'x@s.whatsapp.net'))).toBe('validation_error');
  });

  it('pages by keyset with a cursor bound to its listing, finds a LID chat by its merged phone chat, deletes and publishes', async () => {
    const pn = '6281234567890@s.whatsapp.net';
    const lid = '123456789@lid';
    t.store.chats.ensure(sessionId, pn, 'dm', 'Alice');
    for (let i = 0; i < 3; i++) t.store.messages.insert(sessionId, textRecord(pn, `m${i}`, 1000 + i, `text ${i}`));
    t.store.chats.touch(sessionId, pn, 1002);
    t.store.lidMappings.put(sessionId, lid, pn);

    const first = app.chats.messages(all, sessionId, lid, { limit: 2 });
    expect(first.data.map((m) => m.waMessageId)).toEqual(['m2', 'm1']);
    const second = app.chats.messages(all, sessionId, pn, { limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ data: [{ waMessageId: 'm0' }], nextCursor: null });
    expect(await codeOf(() => app.chats.page(all, sessionId, { limit: 2, cursor: first.nextCursor! }))).toBe('validation_error');

    app.chats.delete(all, sessionId, lid);
    expect(t.store.chats.exists(sessionId, pn)).toBe(false);
    expect(events).toEqual([{ event: 'chat.deleted', sessionId, organizationId: t.organizationId, payload: { chatJid: pn } }]);
    expect(await codeOf(() => app.chats.markRead(all, sessionId, pn))).toBe('not_found');
  });

  it('one table maps every domain code to an HTTP status and the documented wire code', () => {
    const expected: Record<ErrorCode, [number, string]> = {
      validation_error: [400, 'validation_error'],
      invalid_value: [422, 'validation_error'],
      unauthorized: [401, 'unauthorized'],
      forbidden: [403, 'forbidden'],
      not_found: [404, 'not_found'],
      conflict: [409, 'conflict'],
      payload_too_large: [413, 'payload_too_large'],
      unsupported_media_type: [415, 'unsupported_media_type'],
      rate_limited: [429, 'rate_limited'],
      not_implemented: [501, 'not_implemented'],
      upstream_failed: [502, 'internal'],
      internal: [500, 'internal'],
    };
    expect(Object.fromEntries(Object.entries(ERROR_STATUS).map(([k, v]) => [k, [v.status, v.code]]))).toEqual(expected);
  });
});
