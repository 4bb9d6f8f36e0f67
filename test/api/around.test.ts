import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, textRecord, type TestGateway } from '../helpers/gateway.js';

const DM = '6281234567890@s.whatsapp.net';
const DM_ENC = '6281234567890%40s.whatsapp.net';
const GROUP = '120363012345678901@g.us';

interface Page {
  data: { id: string }[];
  nextCursor: string | null;
  prevCursor?: string | null;
}

describe('GET /chats/{cid}/messages?around={id}: a page around a message, paging both ways', () => {
  let g: TestGateway;
  let sid: string;
  let key: string;

  beforeAll(async () => {
    g = await startTestGateway();
    sid = g.session();
    g.seedChat(sid, DM, 101); // ids m0 (oldest) .. m100 (newest)
    g.seedChat(sid, GROUP, 3);
    key = g.key(['read']);
  });
  afterAll(() => g.close());

  const get = async (q: string): Promise<{ status: number; body: Page }> => {
    const res = await g.req('GET', `/api/v1/sessions/${sid}/chats/${DM_ENC}/messages?${q}`, { auth: key });
    return { status: res.status, body: res.body as Page };
  };
  const ids = (p: Page) => p.data.map((m) => m.id);
  const range = (from: number, to: number) => {
    const out: string[] = [];
    for (let i = from; i >= to; i--) out.push(`m${i}`);
    return out;
  };

  it('returns the message with about limit/2 neighbours each way, newest first', async () => {
    const { status, body } = await get('around=m50&limit=11');
    expect(status).toBe(200);
    expect(ids(body)).toEqual(range(55, 45));
    expect(body.nextCursor).toEqual(expect.any(String));
    expect(body.prevCursor).toEqual(expect.any(String));
  });

  it('pages from it both ways to the ends with nothing skipped or repeated', async () => {
    const start = (await get('around=m50&limit=10')).body;
    const seen = [...ids(start)];
    let prev = start.prevCursor ?? null;
    while (prev) {
      const page = (await get(`limit=7&cursor=${prev}`)).body;
      expect(page.data.length).toBeGreaterThan(0);
      seen.unshift(...ids(page));
      prev = page.prevCursor ?? null;
    }
    let next = start.nextCursor;
    while (next) {
      const page = (await get(`limit=7&cursor=${next}`)).body;
      seen.push(...ids(page));
      next = page.nextCursor;
    }
    expect(seen).toEqual(range(100, 0));
  });

  it('prevCursor is null at the newest message; nextCursor null at the oldest; the page is filled from the other side', async () => {
    const newest = (await get('around=m100&limit=10')).body;
    expect(ids(newest)).toEqual(range(100, 91));
    expect(newest.prevCursor).toBeNull();
    const oldest = (await get('around=m0&limit=10')).body;
    expect(ids(oldest)[ids(oldest).length - 1]).toBe('m0');
    expect(oldest.nextCursor).toBeNull();
    expect(oldest.prevCursor).toEqual(expect.any(String));
    // The newer page right after the last of them reaches the newest with prevCursor null.
    const tail = (await get(`around=m95&limit=20`)).body;
    expect(tail.prevCursor).toBeNull();
    expect(ids(tail)[0]).toBe('m100');
  });

  it('unknown id (or one of another chat) is 404; the plain list has no prevCursor; cursors stay bound to their chat', async () => {
    expect((await get('around=nope')).status).toBe(404);
    expect((await get('around=m1000')).status).toBe(404);
    const plain = (await get('limit=5')).body;
    expect(ids(plain)).toEqual(range(100, 96));
    expect(plain).not.toHaveProperty('prevCursor');
    const around = (await get('around=m50&limit=5')).body;
    const other = await g.req('GET', `/api/v1/sessions/${sid}/chats/${encodeURIComponent(GROUP)}/messages?cursor=${around.prevCursor}`, { auth: key });
    expect(other.status).toBe(400);
  });
});

describe('GET /channels/{jid}/messages?around={id} (ours): the same window over channel posts', () => {
  const CHANNEL = '120363012345678901@newsletter';
  let g: TestGateway;
  let sid: string;

  beforeAll(async () => {
    g = await startTestGateway();
    sid = g.session();
    g.store.transaction(() => {
      g.store.channels.upsert(sid, { jid: CHANNEL, name: 'News' });
      for (let i = 0; i < 30; i++) g.store.messages.insert(sid, { ...textRecord(CHANNEL, `p${i}`, 1_700_000_000_000 + i * 1000, `post ${i}`), senderJid: null });
    });
  });
  afterAll(() => g.close());

  it('returns the post with its neighbours and prevCursor; unknown post 404; needs send like the listing', async () => {
    const url = (q: string) => `/api/v1/sessions/${sid}/channels/${encodeURIComponent(CHANNEL)}/messages?${q}`;
    const res = await g.req('GET', url('around=p10&limit=5'), { auth: g.key(['read', 'send']) });
    expect(res.status).toBe(200);
    expect((res.body as Page).data.map((m) => m.id)).toEqual(['p12', 'p11', 'p10', 'p9', 'p8']);
    expect((res.body as Page).prevCursor).toEqual(expect.any(String));
    const newer = await g.req('GET', url(`limit=2&cursor=${(res.body as Page).prevCursor}`), { auth: g.key(['read', 'send']) });
    expect((newer.body as Page).data.map((m) => m.id)).toEqual(['p14', 'p13']);
    expect((await g.req('GET', url('around=nope'), { auth: g.key(['read', 'send']) })).status).toBe(404);
    expect((await g.req('GET', url('around=p10'), { auth: g.key(['read']) })).status).toBe(403);
  });
});
