/** Groups and contacts (issue 13): who is in a group, and the people the archive knows. */
import { ValidationError } from '../../core/errors.js';
import { principalOf } from '../middleware/auth.js';
import { pageOf, param } from '../http.js';
import { listOf, ref, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { ContactListQuery } from '../schemas.js';

const SESSION = 'The session id. Another organization\'s session is not found.';

export function registerPeopleRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { groups, contacts } = deps.app;

  api.add({
    method: 'get',
    path: '/sessions/{session}/groups/{jid}',
    operationId: 'getGroup',
    summary: 'Get a group\'s metadata and participants',
    description:
      'Subject, description, owner, creation time and participants with their roles and names. Served from the ' +
      'stored copy (filled from WhatsApp\'s group events and history sync); when the session is live, WhatsApp is ' +
      'asked first and the answer stored (if it cannot answer in time, the stored copy is served). A participant\'s ' +
      '`name` follows saved name > push name > verified name > phone number and is never a bare LID. A JID that is ' +
      'not a group JID (`...@g.us`) is 400; a group neither stored nor known to WhatsApp is 404.',
    tag: 'Groups',
    access: 'read',
    pathParams: { session: SESSION, jid: 'The group JID, e.g. 120363012345678901%40g.us (a raw @ works too).' },
    responses: {
      200: { description: 'The group', schema: ref('Group') },
      400: { description: 'validation_error: not a group JID', schema: ref('Error') },
      404: { description: 'not_found: session or group', schema: ref('Error') },
    },
    async handler(ctx) {
      ctx.body = await groups.get(principalOf(ctx), param(ctx, 'session'), param(ctx, 'jid'));
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/contacts',
    operationId: 'listContacts',
    summary: 'List contacts',
    description:
      'The people the archive knows (address book, push names, LID <-> phone mappings), alphabetical by the name ' +
      'they show, people without a name last; cursor paging. `q` matches saved, push and verified names (case- and ' +
      'accent-insensitive) and, when it is digits, the phone number. A person known by LID and phone number is listed ' +
      'once, under the phone number.',
    tag: 'Contacts',
    access: 'read',
    pathParams: { session: SESSION },
    query: ContactListQuery,
    responses: {
      200: { description: 'A page of contacts', schema: listOf('Contact') },
      400: { description: 'validation_error: bad limit, cursor or q', schema: ref('Error') },
    },
    handler(ctx) {
      const q = ctx.query.q;
      if (Array.isArray(q)) throw new ValidationError('q must be given once', { field: 'q' });
      ctx.body = contacts.page(principalOf(ctx), param(ctx, 'session'), { ...pageOf(ctx), q });
    },
  });
}
