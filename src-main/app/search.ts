/**
 * Search (issue 10): messages of a session matching words, newest first, with the filters of API.md
 * ("The archive in use"). Channel posts are included only for principals with `send`. The cursor is bound
 * to the session, the query and the filters, so a cursor of one search cannot page another.
 */
import { randomBytes } from 'node:crypto';
import { createCursorCodec, type CursorCodec } from '../core/cursor.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { Message, Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import { rowToMessage } from '../store/repositories/messages.js';
import { UNKNOWN_PERSON } from '../core/names.js';
import { nameMessage, selfJids, sessionNames } from './names.js';
import type { BackfillProgress, SearchFilters, SearchIndexState } from '../store/repositories/search.js';
import { parseSearchQuery } from '../store/search-query.js';
import { requireCapability } from './access.js';
import { keysetPage, numericPosition, type PageInput, type PageOf } from './paging.js';

export interface SearchDeps {
  store: Store;
  /** The session lookup (SessionsService.inOrg; the command line passes its own, see localSearch). */
  sessions: { inOrg(p: Principal, sessionId: string): { id: string } };
  cursors: CursorCodec;
}

/** What a door passes: the query string values as given (the service validates them once for every door). */
export interface SearchInput {
  q?: unknown;
  chat?: unknown;
  sender?: unknown;
  type?: unknown;
  hasMedia?: unknown;
  before?: unknown;
  after?: unknown;
}

export interface SearchResult {
  message: Message;
  chat: { jid: string; name: string | null; type: string };
  /** Escaped text with <mark></mark> around hits. */
  snippet: string;
}

const text = (field: string, v: unknown): string | undefined => {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new ValidationError(`${field} must be given once`, { field });
  if (v.length > 256) throw new ValidationError(`${field} is too long`, { field });
  return v;
};
const epochMs = (field: string, v: unknown): number | undefined => {
  const s = typeof v === 'number' ? String(v) : text(field, v);
  if (s === undefined) return undefined;
  if (!/^\d{1,15}$/.test(s)) throw new ValidationError(`${field} must be epoch milliseconds`, { field, value: s });
  return Number(s);
};
const bool = (field: string, v: unknown): boolean | undefined => {
  if (typeof v === 'boolean') return v;
  const s = text(field, v);
  if (s === undefined) return undefined;
  if (s !== 'true' && s !== 'false') throw new ValidationError(`${field} must be true or false`, { field, value: s });
  return s === 'true';
};

/**
 * A page of hits and whether the index was complete when it was searched: a search indexes up to a batch of
 * queued rows first (repositories/search.ts), so during the first indexing of an old archive or a large
 * history sync some stored messages are not findable yet (`index.pending`).
 */
export type SearchPage = PageOf<SearchResult> & { index: SearchIndexState };

export type { SearchIndexState };

export type SearchService = ReturnType<typeof createSearchService>;

export function createSearchService(deps: SearchDeps) {
  const { store, sessions, cursors } = deps;
  return {
    search(p: Principal, sessionId: string, input: SearchInput, page: PageInput): SearchPage {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      const q = typeof input.q === 'string' ? input.q : Array.isArray(input.q) ? undefined : '';
      if (q === undefined) throw new ValidationError('q must be given once', { field: 'q' });
      const query = parseSearchQuery(q);
      const filters: SearchFilters = {
        chatJid: text('chat', input.chat),
        senderJid: text('sender', input.sender),
        type: text('type', input.type),
        hasMedia: bool('hasMedia', input.hasMedia),
        before: epochMs('before', input.before),
        after: epochMs('after', input.after),
        includeChannels: p.capabilities.includes('send'),
      };
      const listing = `search:${s.id}:${JSON.stringify([q.trim(), filters])}`;
      const names = sessionNames(store, s.id);
      const row = store.sessions.get(s.id);
      const self = selfJids({ waJid: row?.wa_jid ?? null, waLid: row?.wa_lid ?? null });
      const result = keysetPage(cursors, listing, page, {
        key: (after) => {
          const pos = numericPosition(after);
          return pos ? { timestamp: pos[0], pk: pos[1] } : undefined;
        },
        fetch: (limit, after) => store.search.search(s.id, query, filters, limit, after),
        position: (hit) => [hit.message.timestamp, hit.message.pk],
        toItem: (hit): SearchResult => ({
          message: nameMessage(names, rowToMessage(hit.message), self),
          chat: hit.chat.type === 'dm' ? { ...hit.chat, name: names.name(hit.chat.jid, null, hit.chat.name) ?? UNKNOWN_PERSON } : hit.chat,
          snippet: hit.snippet,
        }),
      });
      // After the search's own indexing step: what it could not see.
      return { ...result, index: store.search.indexState() };
    },

    /** How far the search index is (the background indexer, store/search-backfill.ts). */
    progress(p: Principal, sessionId: string): BackfillProgress {
      requireCapability(p, 'read');
      sessions.inOrg(p, sessionId);
      return store.search.backfillProgress();
    },
  };
}

/**
 * Search for the local command line (cli/commands/search.ts): whoever can open the data dir owns it (as for
 * `wagw keys`), so the principal has read and send (channel posts included). `session` may be omitted when
 * the data dir holds exactly one session. Cursors are per run (the command prints one page).
 */
export function localSearch(store: Store, sessionArg: string | undefined, input: SearchInput, limit: number): SearchPage {
  const all = store.sessions.listAll();
  const session = sessionArg ? all.find((s) => s.id === sessionArg) : all.length === 1 ? all[0] : undefined;
  if (sessionArg && !session) throw new NotFoundError(`no session ${sessionArg} in this data dir`, { session: sessionArg });
  if (!session) {
    throw new ValidationError(
      all.length ? `choose a session with --session: ${all.map((s) => `${s.id} (${s.label})`).join(', ')}` : 'this data dir has no session',
      { field: 'session' },
    );
  }
  const owner: Principal = { kind: 'user', subject: 'local', organizationId: session.organization_id, role: 'owner', capabilities: ['read', 'send', 'manage'] };
  const service = createSearchService({
    store,
    sessions: { inOrg: () => ({ id: session.id }) },
    cursors: createCursorCodec(randomBytes(16).toString('hex')),
  });
  return service.search(owner, session.id, input, { limit });
}
