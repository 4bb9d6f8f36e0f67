/**
 * A socket for adapter tests: the REAL Baileys event buffer as `ev`, `user` read from the auth creds like the
 * real socket's getter, and recording action functions. Messages are generated with Baileys' own
 * generateWAMessage and echoed as a 'messages.upsert' append on the next tick, as Baileys does.
 *
 * Unlike the real socket, end() does not destroy the emitter: tests keep emitting on a closed socket to prove
 * the adapter ignores it.
 */
import {
  generateWAMessage,
  makeEventBuffer,
  type AnyMessageContent,
  type AuthenticationCreds,
  type ConnectionState,
  type MiscMessageGenerationOptions,
  type NewsletterMetadata,
  type WAMediaUploadFunction,
  type WAMessage,
  type WAMessageKey,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import type { SocketFactory, SocketFactoryOptions, SocketLike } from '../../../src-main/whatsapp/socket.js';

export const ME = {
  id: '6289999999999:7@s.whatsapp.net',
  lid: '111222333444555:7@lid',
  name: 'Gateway Owner',
};

/** An error shaped like Baileys' Boom: output.statusCode is what the adapter reads. */
export function boom(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode } });
}

export interface FakeSocket {
  sock: SocketLike;
  ev: ReturnType<typeof makeEventBuffer>;
  options: SocketFactoryOptions;
  calls: {
    sendMessage: { jid: string; content: AnyMessageContent; options: MiscMessageGenerationOptions | undefined }[];
    presence: { type: string; jid: string | undefined }[];
    newsletterCreate: { name: string; description: string | undefined }[];
    newsletterFollow: string[];
    pairingCode: string[];
    end: (Error | undefined)[];
    logout: number;
    /** Keys given to readMessages (read receipts). */
    readMessages: WAMessageKey[][];
  };
  /** Where media goes (a loopback server in tests that send media); unset: a media send fails. */
  upload?: WAMediaUploadFunction;
  /** Called inside sendMessage before anything else (to look at the database at that moment). */
  onSend?: (jid: string, messageId: string | undefined) => void;
  failSend?: Error;
  failFollow?: Error;
  failCreate?: Error;
  newsletterResult?: NewsletterMetadata;
  /** Emitted helpers that mimic what the server drives. */
  qr(code: string): void;
  pairSuccess(): void;
  open(): void;
  closeWith(statusCode: number | undefined, message?: string): void;
}

export function fakeAccount(): Pick<AuthenticationCreds, 'me' | 'account' | 'platform'> {
  return {
    me: { ...ME },
    account: {
      details: Buffer.from('device-details'),
      accountSignatureKey: Buffer.alloc(32, 3),
      accountSignature: Buffer.alloc(64, 4),
      deviceSignature: Buffer.alloc(64, 5),
    },
    platform: 'android',
  };
}

export function createFakeSocket(options: SocketFactoryOptions): FakeSocket {
  const ev = makeEventBuffer(pino({ level: 'silent' }));
  const creds = options.auth.creds;
  // The real socket merges every creds.update into its creds first (lib/Socket/socket.js); so does this one.
  ev.on('creds.update', (update) => Object.assign(creds, update));
  let ended = false;

  const fake: FakeSocket = {
    ev,
    options,
    calls: { sendMessage: [], presence: [], newsletterCreate: [], newsletterFollow: [], pairingCode: [], end: [], logout: 0, readMessages: [] },
    sock: undefined as unknown as SocketLike,
    qr(code) {
      ev.emit('connection.update', { qr: code });
    },
    pairSuccess() {
      ev.emit('creds.update', fakeAccount());
      ev.emit('connection.update', { isNewLogin: true, qr: undefined });
    },
    open() {
      ev.emit('connection.update', { connection: 'open' });
    },
    closeWith(statusCode, message = 'closed') {
      const update: Partial<ConnectionState> = {
        connection: 'close',
        lastDisconnect: { error: statusCode === undefined ? undefined : boom(statusCode, message), date: new Date() },
      };
      ev.emit('connection.update', update);
    },
  };

  const sock = {
    ev,
    get user() {
      return creds.me;
    },
    async end(error: Error | undefined) {
      fake.calls.end.push(error);
      if (ended) return;
      ended = true;
      ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
    },
    async logout() {
      fake.calls.logout += 1;
      await sock.end(boom(401, 'Intentional Logout'));
    },
    async requestPairingCode(phone: string) {
      fake.calls.pairingCode.push(phone);
      creds.pairingCode = 'K7Q2M9XW';
      creds.me = { id: `${phone}@s.whatsapp.net`, name: '~' };
      ev.emit('creds.update', creds);
      return creds.pairingCode;
    },
    async sendMessage(jid: string, content: AnyMessageContent, opts?: MiscMessageGenerationOptions) {
      fake.calls.sendMessage.push({ jid, content, options: opts });
      fake.onSend?.(jid, opts?.messageId);
      if (fake.failSend) throw fake.failSend;
      const msg: WAMessage = await generateWAMessage(jid, content, {
        userJid: creds.me?.id ?? '',
        ...(opts?.messageId ? { messageId: opts.messageId } : {}),
        ...(opts?.quoted ? { quoted: opts.quoted } : {}),
        upload: async (path, opts) => {
          if (!fake.upload) throw new Error('no media in tests');
          return fake.upload(path, opts);
        },
      });
      process.nextTick(() => ev.emit('messages.upsert', { messages: [msg], type: 'append' }));
      return msg;
    },
    async sendPresenceUpdate(type: string, jid?: string) {
      fake.calls.presence.push({ type, jid });
    },
    async presenceSubscribe() {},
    async readMessages(keys: WAMessageKey[]) {
      fake.calls.readMessages.push(keys);
    },
    async newsletterCreate(name: string, description?: string) {
      fake.calls.newsletterCreate.push({ name, description });
      if (fake.failCreate) throw fake.failCreate;
      return (
        fake.newsletterResult ?? {
          id: '120363099999999999@newsletter',
          name,
          description,
          invite: 'AbCdEfGh',
          subscribers: 1,
          creation_time: 1_700_000_000,
          verification: 'UNVERIFIED',
        }
      );
    },
    async newsletterFollow(jid: string) {
      fake.calls.newsletterFollow.push(jid);
      if (fake.failFollow) throw fake.failFollow;
      return {};
    },
  };
  fake.sock = sock as unknown as SocketLike;
  return fake;
}

/** A SocketFactory that makes fake sockets and remembers them (last = the newest). */
export function fakeSocketFactory(): { factory: SocketFactory; sockets: FakeSocket[]; last(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (options) => {
      const fake = createFakeSocket(options);
      sockets.push(fake);
      return fake.sock;
    },
    last() {
      const s = sockets[sockets.length - 1];
      if (!s) throw new Error('no socket made yet');
      return s;
    },
  };
}
