import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import {
  RealtimeConnection,
  parseFrame,
  socketUrl,
  type RealtimeStatus,
  type SocketLike,
} from '../../src-renderer/src/lib/api/realtime.js';
import type { RealtimeFrame } from '../../src-renderer/src/lib/api/types.js';

function frame(id: string, event = 'message', payload: object = { id }): string {
  return JSON.stringify({ schema: 'v1', id, event, session: 's1', organization: 'o1', timestamp: 1, payload });
}

function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

let server: Server | null = null;
let connection: RealtimeConnection | null = null;
afterEach(async () => {
  connection?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('frame parsing', () => {
  it('accepts v1 frames of known events only', () => {
    expect(parseFrame(frame('evt_1'))?.id).toBe('evt_1');
    expect(parseFrame(Buffer.from(frame('evt_2')))?.id).toBe('evt_2');
    expect(parseFrame('not json')).toBeNull();
    expect(parseFrame(JSON.stringify({ schema: 'v2', id: 'x', event: 'message', payload: {} }))).toBeNull();
    expect(parseFrame(frame('evt_3', 'something.else'))).toBeNull();
    expect(parseFrame(42)).toBeNull();
  });

  it('resolves the ticket url against the API base and adds after', () => {
    expect(socketUrl('/api/v1/realtime?ticket=t1', 'http://127.0.0.1:7480/api/v1', null)).toBe(
      'ws://127.0.0.1:7480/api/v1/realtime?ticket=t1');
    expect(socketUrl('wss://h/api/v1/realtime?ticket=t1', 'https://h/api/v1', 'evt_9')).toBe(
      'wss://h/api/v1/realtime?ticket=t1&after=evt_9');
    expect(socketUrl('https://h/r?ticket=a', 'https://h/api/v1', null)).toBe('wss://h/r?ticket=a');
  });
});

describe('RealtimeConnection over a real WebSocket', () => {
  it('delivers frames once, and reconnects with a new ticket and after=<last id> when dropped', async () => {
    const connects: string[] = [];
    server = createServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => {
      connects.push(req.url!);
      if (connects.length === 1) {
        ws.send(frame('evt_1'));
        ws.send('garbage');
        ws.send(frame('evt_2', 'chat.deleted', { chatJid: 'a@s.whatsapp.net' }));
        ws.send(frame('evt_2', 'chat.deleted', { chatJid: 'a@s.whatsapp.net' })); // duplicate
        setTimeout(() => ws.terminate(), 50); // the network drops
      } else {
        ws.send(frame('evt_2', 'chat.deleted', { chatJid: 'a@s.whatsapp.net' })); // boundary repeated on resume
        ws.send(frame('evt_3'));
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let tickets = 0;
    const received: RealtimeFrame[] = [];
    const statuses: RealtimeStatus[] = [];
    const sockets: WebSocket[] = [];
    let delays = 0;
    connection = new RealtimeConnection({
      apiBase: `http://127.0.0.1:${port}/api/v1`,
      getTicket: async () => ({ ticket: `t${++tickets}`, url: `/api/v1/realtime?ticket=t${tickets}`, expiresAt: 0 }),
      openSocket: (url) => {
        const ws = new WebSocket(url);
        sockets.push(ws);
        return ws as unknown as SocketLike;
      },
      delayFor: () => {
        delays++;
        return 20;
      },
    });
    connection.onStatus((s) => statuses.push(s));
    connection.onEvent(() => {
      throw new Error('a failing listener must not break delivery');
    });
    connection.onEvent((f) => received.push(f));
    connection.start();
    await until(() => received.length === 3);
    expect(received.map((f) => f.id)).toEqual(['evt_1', 'evt_2', 'evt_3']);
    expect(received[1]!.payload).toEqual({ chatJid: 'a@s.whatsapp.net' });
    expect(connects).toEqual(['/api/v1/realtime?ticket=t1', '/api/v1/realtime?ticket=t2&after=evt_2']);
    expect(statuses).toContain('reconnecting');
    expect(connection.status).toBe('open');

    const delaysAtStop = delays;
    connection.stop();
    // Once the socket's close has been seen (and its listeners have run), a connection that was not stopped
    // would have scheduled a reconnect, asking delayFor for its delay.
    await until(() => sockets.at(-1)!.readyState === WebSocket.CLOSED);
    await new Promise((r) => setImmediate(r));
    expect(delays).toBe(delaysAtStop);
    expect(connects.length).toBe(2); // stopped: no further reconnects
    expect(connection.status).toBe('stopped');
  });

  it('keeps retrying with backoff while tickets cannot be had', async () => {
    let calls = 0;
    connection = new RealtimeConnection({
      apiBase: 'http://127.0.0.1:1/api/v1',
      getTicket: async () => {
        calls++;
        throw new Error('gateway down');
      },
      openSocket: () => {
        throw new Error('not reached');
      },
      delayFor: () => 10,
    });
    connection.start();
    await until(() => calls >= 3);
    expect(connection.status).toBe('reconnecting');
  });
});
