/** Sessions: one attached WhatsApp number (or sandbox account) each. */
import { principalOf } from '../middleware/auth.js';
import { bodyOf, noContent, param } from '../http.js';
import { ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { CreateSessionBody, MeSchema, PairingCodeBody, PairingCodeSchema, QrSchema, SandboxNetworkBody, SandboxStateSchema } from '../schemas.js';

const SESSION = { session: 'The session id (ULID). Another organization\'s session is not found.' };

export function registerSessionRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { sessions } = deps.app;

  api.add({
    method: 'get',
    path: '/sessions',
    operationId: 'listSessions',
    summary: 'List sessions',
    tag: 'Sessions',
    access: 'read',
    responses: {
      200: {
        description: 'The caller organization\'s sessions (one page)',
        schema: {
          type: 'object',
          required: ['data', 'nextCursor'],
          properties: { data: { type: 'array', items: ref('Session') }, nextCursor: { type: 'null' } },
        },
      },
    },
    handler(ctx) {
      ctx.body = { data: sessions.list(principalOf(ctx)), nextCursor: null };
    },
  });

  api.add({
    method: 'post',
    path: '/sessions',
    operationId: 'createSession',
    summary: 'Create a session',
    description:
      'Not idempotent. `start: true` begins pairing in the background. `sandbox: true` creates a simulated account ' +
      '(ours) to try the app and the API without a phone.',
    tag: 'Sessions',
    access: 'manage',
    body: CreateSessionBody,
    bodyRequired: false,
    responses: { 201: { description: 'The new session', schema: ref('Session') } },
    handler(ctx) {
      const created = sessions.create(principalOf(ctx), bodyOf(ctx, CreateSessionBody));
      ctx.status = 201;
      ctx.body = created;
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}',
    operationId: 'getSession',
    summary: 'Get a session',
    tag: 'Sessions',
    access: 'read',
    pathParams: SESSION,
    responses: { 200: { description: 'The session', schema: ref('Session') } },
    handler(ctx) {
      ctx.body = sessions.get(principalOf(ctx), param(ctx, 'session'));
    },
  });

  api.add({
    method: 'delete',
    path: '/sessions/{session}',
    operationId: 'deleteSession',
    summary: 'Delete a session',
    description: 'Stops the client and deletes the session\'s stored data and auth state.',
    tag: 'Sessions',
    access: 'manage',
    pathParams: SESSION,
    responses: { 204: { description: 'Deleted' } },
    async handler(ctx) {
      await sessions.delete(principalOf(ctx), param(ctx, 'session'));
      noContent(ctx);
    },
  });

  const actions = [
    ['start', 'Start a session', 'Runs in the background: watch the status (scan_qr_code, working).'],
    ['stop', 'Stop a session', 'Idempotent. The session stays paired.'],
    ['restart', 'Restart a session', 'Runs in the background.'],
    ['logout', 'Log a session out', 'Unpairs the device; idempotent; the session row stays.'],
  ] as const;
  for (const [action, summary, description] of actions) {
    api.add({
      method: 'post',
      path: `/sessions/{session}:${action}`,
      operationId: `${action}Session`,
      summary,
      description,
      tag: 'Sessions',
      access: 'manage',
      pathParams: SESSION,
      responses: { 200: { description: 'The session', schema: ref('Session') } },
      async handler(ctx) {
        ctx.body = await sessions.act(principalOf(ctx), param(ctx, 'session'), action);
      },
    });
  }

  api.add({
    method: 'get',
    path: '/sessions/{session}/qr',
    operationId: 'getSessionQr',
    summary: 'Get the pairing QR code',
    description:
      'If no code is ready it starts pairing and answers 404 until one exists; an already paired session is 409. ' +
      'Codes rotate (first lasts 60 s, later 20 s).',
    tag: 'Sessions',
    access: 'manage',
    pathParams: SESSION,
    responses: {
      200: { description: 'The current QR payload', schema: toSchema(QrSchema) },
      409: { description: 'conflict: already paired', schema: ref('Error') },
    },
    handler(ctx) {
      ctx.body = sessions.qr(principalOf(ctx), param(ctx, 'session'));
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/pairing-code',
    operationId: 'requestPairingCode',
    summary: 'Pair with a phone pairing code',
    description: 'Body `phone`: digits only with country code. Enter the returned code on the phone.',
    tag: 'Sessions',
    access: 'manage',
    pathParams: SESSION,
    body: PairingCodeBody,
    responses: {
      200: { description: 'The code to type on the phone', schema: toSchema(PairingCodeSchema) },
      409: { description: 'conflict: already paired', schema: ref('Error') },
    },
    async handler(ctx) {
      ctx.body = await sessions.pairingCode(principalOf(ctx), param(ctx, 'session'), bodyOf(ctx, PairingCodeBody));
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/me',
    operationId: 'getSessionMe',
    summary: 'The paired account',
    description: '404 when the session is not paired.',
    tag: 'Sessions',
    access: 'read',
    pathParams: SESSION,
    responses: { 200: { description: 'The account', schema: toSchema(MeSchema) } },
    handler(ctx) {
      ctx.body = sessions.me(principalOf(ctx), param(ctx, 'session'));
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/sandbox',
    operationId: 'getSandboxState',
    summary: 'Sandbox: what the simulated phone and contacts observed',
    description: 'Only for sandbox sessions (ours): pairing state, presence updates the contacts received, sends.',
    tag: 'Sandbox',
    access: 'read',
    pathParams: SESSION,
    responses: { 200: { description: 'Simulated side of the sandbox', schema: toSchema(SandboxStateSchema) } },
    handler(ctx) {
      ctx.body = sessions.sandboxState(principalOf(ctx), param(ctx, 'session'));
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/sandbox:network',
    operationId: 'sandboxNetwork',
    summary: 'Sandbox: simulate an unreachable WhatsApp',
    description:
      'Only for sandbox sessions (ours). Body `{reachable}`. With `reachable: false` every new connection of the ' +
      'session fails like a real socket without a route to WhatsApp (closed with 408, "WebSocket Error (connect ' +
      'ETIMEDOUT ...)", before any QR): pairing retries a few times, then the session stops with lastError ' +
      '"Can\'t reach WhatsApp (timeout)". The current connection is left alone; `reachable: true` restores it.',
    tag: 'Sandbox',
    access: 'manage',
    pathParams: SESSION,
    body: SandboxNetworkBody,
    responses: { 200: { description: 'Simulated side of the sandbox', schema: toSchema(SandboxStateSchema) } },
    handler(ctx) {
      ctx.body = sessions.sandboxNetwork(principalOf(ctx), param(ctx, 'session'), bodyOf(ctx, SandboxNetworkBody));
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/sandbox:pair',
    operationId: 'sandboxPair',
    summary: 'Sandbox: simulate the phone scanning the QR code',
    description: 'Only for sandbox sessions (ours) that are waiting for pairing; 409 otherwise.',
    tag: 'Sandbox',
    access: 'manage',
    pathParams: SESSION,
    responses: {
      204: { description: 'The simulated phone paired' },
      409: { description: 'conflict: not waiting for pairing', schema: ref('Error') },
    },
    handler(ctx) {
      sessions.sandboxPair(principalOf(ctx), param(ctx, 'session'));
      noContent(ctx);
    },
  });
}
