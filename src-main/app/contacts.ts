/** Contacts (GET /sessions/{s}/contacts): the people the archive knows, alphabetical, keyset paged, searchable. */
import { ValidationError } from '../core/errors.js';
import { personLabel, phoneDigits } from '../core/names.js';
import type { ContactInfo, Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import type { ContactListRow } from '../store/repositories/contacts.js';
import { requireCapability } from './access.js';
import { keysetPage, type PageInput, type PageOf } from './paging.js';
import type { CursorCodec } from '../core/cursor.js';
import type { SessionsService } from './sessions.js';

export function toContactInfo(r: ContactListRow): ContactInfo {
  return {
    jid: r.pn ?? r.jid,
    lid: r.lid,
    phoneNumber: phoneDigits(r.pn),
    name: r.name,
    pushName: r.notify,
    verifiedName: r.verified_name,
    displayName: personLabel({ name: r.name, pushName: r.notify, verifiedName: r.verified_name, phone: r.pn }),
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;

export function createContactsService(deps: { store: Store; sessions: SessionsService; cursors: CursorCodec }) {
  const { store, sessions, cursors } = deps;
  return {
    /** `q` (trimmed, at most 100 characters) matches names accent- and case-insensitively, and phone digits. */
    page(p: Principal, sessionId: string, page: PageInput & { q?: string | undefined }): PageOf<ContactInfo> {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      const q = (page.q ?? '').trim();
      if (q.length > 100) throw new ValidationError('q must be at most 100 characters', { field: 'q' });
      return keysetPage(cursors, `contacts:${s.id}:${q}`, page, {
        key: (after) => {
          if (!after) return undefined;
          const [k, jid] = after;
          if (after.length !== 2 || typeof k !== 'string' || typeof jid !== 'string') {
            throw new ValidationError('cursor is invalid or does not belong to this listing', { field: 'cursor' });
          }
          return { k, jid };
        },
        fetch: (limit, after) => store.contacts.page(s.id, limit, after, q || undefined),
        position: (row) => [row.k, row.jid],
        toItem: toContactInfo,
      });
    },
  };
}
