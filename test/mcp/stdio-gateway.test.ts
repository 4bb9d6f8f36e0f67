/**
 * `wagw mcp` over stdio while a sandbox gateway runs on the data dir: it finds the gateway through
 * <data-dir>/gateway.json and every tool goes through the gateway's HTTP API with its key (over-http.ts). Each
 * tool is called with the SDK's own client and its answer compared with what the HTTP API (or the sandbox) says;
 * get_message_context and get_media show what only the gateway can give (media details from the payload, a
 * download now over the live session). Keys, send flags and the audit log as for every MCP door.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { archive, archivedFile, dataOf, imageOf, mediaSample, nextCursorOf, startMcpSandbox, stdioClient, textOf, type StdioClient } from './helpers.js';

const READ = ['get_chat_messages', 'get_media', 'get_message_context', 'list_channels', 'list_chats', 'list_sessions', 'search_messages'];
const SEND = ['mark_read', 'send_text', 'set_presence'];

describe('wagw mcp over stdio through a running sandbox gateway', () => {
  let g: TestGateway;
  let sessionId: string;
  let dm: string;
  let key: string;
  let c: StdioClient;
  /** GET on the gateway's API for this session, as a read+send key (what the tools must agree with). */
  const api = async (path: string) => {
    const res = await g.req('GET', `/api/v1/sessions/${sessionId}${path}`, { auth: key });
    expect(res.status, path).toBe(200);
    return res.body;
  };
  const ok = (r: CallToolResult) => {
    expect(r.isError, textOf(r)).toBeFalsy();
    return r;
  };

  beforeAll(async () => {
    ({ g, sessionId, dm } = await startMcpSandbox());
    key = g.key(['read', 'send']);
    c = await stdioClient(['--data-dir', g.dataDir, '--allow-send']);
  }, 150_000);
  afterAll(async () => {
    await c?.close();
    await g?.close();
  });

  it('says it goes through the gateway and offers every tool, send tools included', async () => {
    expect(c.client.getInstructions()).toContain(`through the gateway running at ${g.info.url}`);
    expect(c.stderr()).not.toContain('read-only');
    expect((await c.client.listTools()).tools.map((t) => t.name).sort()).toEqual([...READ, 'get_channel_posts', ...SEND].sort());
  });

  it('list_sessions and list_chats (cursor, name filter) answer what the API answers', async () => {
    expect(dataOf(ok(await c.call('list_sessions')))).toEqual([expect.objectContaining({ session: sessionId, sandbox: true, live: true, status: 'working' })]);
    const first = ok(await c.call('list_chats', { limit: 5 }));
    const page1 = await api('/chats?limit=5');
    expect(dataOf(first).map((x) => x.chat)).toEqual(page1.data.map((x: { jid: string }) => x.jid));
    expect(dataOf(first).map((x) => x.name)).toEqual(page1.data.map((x: { name: string }) => x.name));
    const second = ok(await c.call('list_chats', { limit: 5, cursor: nextCursorOf(first) }));
    const page2 = await api(`/chats?limit=5&cursor=${encodeURIComponent(page1.nextCursor)}`);
    expect(dataOf(second).map((x) => x.chat)).toEqual(page2.data.map((x: { jid: string }) => x.jid));
    const named = page1.data.find((x: { name: string | null }) => x.name && x.name.length > 3) as { jid: string; name: string };
    const q = named.name.slice(0, 4);
    const filtered = dataOf(ok(await c.call('list_chats', { query: q })));
    expect(filtered.map((x) => x.chat)).toContain(named.jid);
    expect(filtered.map((x) => x.chat)).toEqual((await api(`/chats?q=${encodeURIComponent(q)}&limit=20`)).data.map((x: { jid: string }) => x.jid));
  });

  it('get_chat_messages and search_messages answer what the API answers', async () => {
    const msgs = ok(await c.call('get_chat_messages', { chat: dm, limit: 3 }));
    expect(dataOf(msgs)[0]).toMatchObject({ id: 'INJECT1', chat: dm });
    expect(dataOf(msgs).map((m) => m.id)).toEqual((await api(`/chats/${encodeURIComponent(dm)}/messages?limit=3`)).data.map((m: { id: string }) => m.id));
    const older = ok(await c.call('get_chat_messages', { chat: dm, limit: 3, cursor: nextCursorOf(msgs) }));
    expect(dataOf(older).map((m) => m.id)).not.toContain('INJECT1');
    const hits = ok(await c.call('search_messages', { query: 'pizza', limit: 3 }));
    const found = (await api('/messages/search?q=pizza&limit=3')).data as { message: { id: string; chatJid: string } }[];
    expect(found.length).toBeGreaterThan(0);
    expect(dataOf(hits).map((h) => [h.id, h.chat])).toEqual(found.map((h) => [h.message.id, h.message.chatJid]));
    expect(dataOf(hits).every((h) => /\[pizza/i.test(h.snippet as string))).toBe(true);
  });

  it('get_message_context: n each way oldest first, through ?around= (with the media details only the gateway reads)', async () => {
    const image = mediaSample(g, sessionId, 'image');
    const listing = (await api(`/chats/${encodeURIComponent(image.chat_jid)}/messages?around=${encodeURIComponent(image.wa_message_id)}&limit=41`)).data as { id: string }[];
    const at = listing.findIndex((m) => m.id === image.wa_message_id);
    const ctx = dataOf(ok(await c.call('get_message_context', { chat: image.chat_jid, message_id: image.wa_message_id, n: 2 })));
    const target = ctx.findIndex((m) => m.target === true);
    expect(ctx[target]).toMatchObject({ id: image.wa_message_id, type: 'image' });
    // newest-first listing -> oldest-first context: up to two older after the target in the listing, two newer before it
    const expected = listing.slice(Math.max(0, at - 2), at + 3).map((m) => m.id).reverse();
    expect(ctx.map((m) => m.id)).toEqual(expected);
    expect(ctx[target]!.media).toMatchObject({ thumbnail: true, mimetype: expect.stringMatching(/^image\//) });
    expect(ctx[target]!.media.width).toBeGreaterThan(0);
    const missing = await c.call('get_message_context', { chat: image.chat_jid, message_id: 'NOPE' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('not_found');
  });

  it('list_channels and get_channel_posts answer what the API answers', async () => {
    const channels = dataOf(ok(await c.call('list_channels')));
    expect(channels.map((x) => x.channel)).toEqual((await api('/channels')).data.map((x: { jid: string }) => x.jid));
    expect(channels).toHaveLength(3);
    const jid = channels[0]!.channel as string;
    const posts = dataOf(ok(await c.call('get_channel_posts', { channel: jid, limit: 3 })));
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.map((p) => p.id)).toEqual((await api(`/channels/${encodeURIComponent(jid)}/messages?limit=3`)).data.map((m: { id: string }) => m.id));
    const ctx = dataOf(ok(await c.call('get_message_context', { chat: jid, message_id: posts[0]!.id, n: 1 })));
    expect(ctx.find((m) => m.target)?.id).toBe(posts[0]!.id);
  });

  it('get_media: an archived photo is the image content, byte for byte; a sticker is downloaded now through the gateway', async () => {
    const photo = mediaSample(g, sessionId, 'image');
    const file = await archive(g, key, sessionId, photo);
    const r = ok(await c.call('get_media', { chat: photo.chat_jid, message_id: photo.wa_message_id }));
    expect(imageOf(r)?.bytes.equals(file)).toBe(true);
    expect(dataOf(r)[0]).toMatchObject({ id: photo.wa_message_id, type: 'image', state: 'done', returned: 'file' });

    const sticker = mediaSample(g, sessionId, 'sticker');
    expect(archivedFile(g, sessionId, sticker)).toBeNull();
    const s = ok(await c.call('get_media', { chat: sticker.chat_jid, message_id: sticker.wa_message_id }));
    const stored = archivedFile(g, sessionId, sticker); // the gateway downloaded and archived it to answer
    expect(stored).not.toBeNull();
    expect(imageOf(s)).toEqual({ bytes: stored, mimeType: 'image/webp' });
    expect(textOf(s)).toContain('The archived sticker file follows');

    const audio = mediaSample(g, sessionId, 'audio');
    const a = ok(await c.call('get_media', { chat: audio.chat_jid, message_id: audio.wa_message_id }));
    expect(dataOf(a)[0]).toMatchObject({ type: 'audio', file: `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(audio.chat_jid)}/messages/${encodeURIComponent(audio.wa_message_id)}/media` });
    expect(imageOf(a)).toBeUndefined();
    const text = ok(await c.call('get_media', { chat: dm, message_id: 'INJECT1' }));
    expect(textOf(text)).toContain('This message has no media.');
  }, 60_000);

  it('send_text, set_presence and mark_read act on the sandbox', async () => {
    const sent = ok(await c.call('send_text', { to: dm, text: 'hello over stdio' }));
    const sentId = /message id (\S+),/.exec(textOf(sent))![1]!;
    expect(g.store.messages.findById(sessionId, sentId)).toMatchObject({ body: 'hello over stdio', from_me: 1 });
    await expect.poll(async () => ((await api('/sandbox')).received as { id: string; text: string }[]).find((x) => x.id === sentId)?.text).toBe('hello over stdio');

    ok(await c.call('set_presence', { chat: dm, state: 'recording' }));
    expect(((await api('/sandbox')).presence as { jid: string; state: string }[]).at(-1)).toMatchObject({ jid: dm, state: 'recording' });

    g.store.chats.touch(sessionId, dm, 0, 3);
    expect(g.store.chats.get(sessionId, dm)!.unreadCount).toBeGreaterThanOrEqual(3);
    expect(textOf(ok(await c.call('mark_read', { chat: dm })))).toContain(`Chat ${dm} marked read (unread 0)`);
    expect(g.store.chats.get(sessionId, dm)!.unreadCount).toBe(0);
  });

  it("another organization's session is invisible; the gateway's error answers are MCP errors with their code", async () => {
    const other = await c.call('list_chats', { session: 'sess_other' });
    expect(other.isError).toBe(true);
    expect(textOf(other)).toMatch(/^Error \(not_found\)/);
    expect(textOf(other)).not.toContain('Secret');
    const forged = await c.call('get_chat_messages', { chat: dm, cursor: 'forged' });
    expect(textOf(forged)).toMatch(/^Error \(validation_error\): cursor/);
    const notStored = await c.call('get_media', { chat: '6280000000001@s.whatsapp.net', message_id: 'X' });
    expect(textOf(notStored)).toMatch(/^Error \(not_found\)/);
    expect(dataOf(ok(await c.call('list_sessions')))).toHaveLength(1);
  });

  it('every call is in the audit log as the key it created, over stdio', () => {
    const made = g.store.apiKeys.listByOrg(g.organizationId).find((k) => k.name === 'mcp (stdio)' && k.revoked_at === null)!;
    expect(made.capabilities).toBe('read,send');
    const rows = g.store.audit.page(g.organizationId, 1000).filter((r) => r.principal === `api_key:${made.id}`);
    expect(rows).toHaveLength(c.calls());
    expect(rows.every((r) => r.transport === 'stdio')).toBe(true);
    expect(rows.find((r) => r.tool === 'send_text')).toMatchObject({ outcome: 'ok' });
    // the answers carrying a whole photo or sticker are counted with the image's bytes
    const sticker = archivedFile(g, sessionId, mediaSample(g, sessionId, 'sticker'))!;
    expect(Math.max(...rows.filter((r) => r.tool === 'get_media').map((r) => r.result_bytes))).toBeGreaterThanOrEqual(sticker.length);
  });

  it('a read-only key cannot send through MCP even with --allow-send; without --allow-send nobody can', async () => {
    const ro = await stdioClient(['--data-dir', g.dataDir, '--allow-send', '--key', g.key(['read'])]);
    try {
      expect((await ro.client.listTools()).tools.map((t) => t.name).sort()).toEqual(READ);
      expect(ro.client.getInstructions()).toContain('lacks the send capability');
      await expect(ro.call('send_text', { to: dm, text: 'should not go' })).rejects.toThrow(/unknown tool/);
    } finally {
      await ro.close();
    }
    const noFlag = await stdioClient(['--data-dir', g.dataDir], { WAGW_API_KEY: g.key(['read', 'send']) });
    try {
      expect((await noFlag.client.listTools()).tools.map((t) => t.name).filter((n) => SEND.includes(n))).toEqual([]);
      expect(noFlag.client.getInstructions()).toContain('without --allow-send');
    } finally {
      await noFlag.close();
    }
    expect(g.store.db.prepare("SELECT count(*) AS n FROM messages WHERE body = 'should not go'").get()).toEqual({ n: 0 });
  }, 90_000);
});
