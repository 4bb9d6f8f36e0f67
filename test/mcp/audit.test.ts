/** The audit service (src-main/app/audit.ts): what a row keeps, who may read it, and its paging. */
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_ARGUMENTS_MAX, createAuditService } from '../../src-main/app/audit.js';
import { createCursorCodec } from '../../src-main/core/cursor.js';
import type { Principal } from '../../src-main/core/types.js';
import { tempStore, type TempStore } from '../helpers/store.js';

describe('audit service', () => {
  let t: TempStore;
  afterEach(() => t?.cleanup());

  const setup = () => {
    t = tempStore();
    const audit = createAuditService({ store: t.store, cursors: createCursorCodec('secret') });
    const manager: Principal = { kind: 'api_key', keyId: 'k1', organizationId: t.organizationId, capabilities: ['read', 'manage'] };
    const reader: Principal = { kind: 'api_key', keyId: 'k2', organizationId: t.organizationId, capabilities: ['read', 'send'] };
    const entry = (tool: string, args: unknown, at: number, organizationId = t.organizationId) =>
      audit.record({ organizationId, principal: 'api_key:k9', transport: 'stdio', tool, arguments: args, at, resultBytes: 10, outcome: 'ok', durationMs: 1 });
    return { audit, manager, reader, entry };
  };

  it('keeps arguments as JSON, cut after the limit; only manage reads; other organizations are not listed', () => {
    const { audit, manager, reader, entry } = setup();
    entry('send_text', { to: 'x@s.whatsapp.net', text: 'y'.repeat(10_000) }, 1);
    entry('list_chats', { query: 'fam' }, 2);
    t.store.organizations.create('org_else', 'Else', 3);
    entry('list_sessions', {}, 3, 'org_else');
    const page = audit.page(manager, { limit: 10 });
    expect(page.data.map((e) => e.tool)).toEqual(['list_chats', 'send_text']);
    expect(page.data[0]!.arguments).toBe('{"query":"fam"}');
    expect(page.data[1]!.arguments.length).toBeLessThanOrEqual(AUDIT_ARGUMENTS_MAX + 20);
    expect(page.data[1]!.arguments).toMatch(/…\(truncated\)$/);
    expect(() => audit.page(reader, { limit: 10 })).toThrow(/manage/);
  });

  it('pages newest first with a cursor bound to the listing', () => {
    const { audit, manager, entry } = setup();
    for (let i = 0; i < 5; i++) entry(`tool_${i}`, {}, i);
    const first = audit.page(manager, { limit: 2 });
    expect(first.data.map((e) => e.tool)).toEqual(['tool_4', 'tool_3']);
    const second = audit.page(manager, { limit: 2, cursor: first.nextCursor! });
    expect(second.data.map((e) => e.tool)).toEqual(['tool_2', 'tool_1']);
    const last = audit.page(manager, { limit: 2, cursor: second.nextCursor! });
    expect(last).toMatchObject({ nextCursor: null });
    expect(last.data.map((e) => e.tool)).toEqual(['tool_0']);
    expect(() => audit.page(manager, { limit: 2, cursor: 'forged' })).toThrow(/cursor/);
  });
});
