/** The one name rule (src-main/core/names.ts): saved > push > verified > phone number, never a bare LID. */
import { describe, expect, it } from 'vitest';
import { createNameResolver, formatPhone, looksLikeBareId, personLabel, type NameLookup } from '../../src-main/core/names.js';

type Contact = NonNullable<ReturnType<NameLookup['contact']>>;

function lookup(contacts: Partial<Contact>[], mappings: Record<string, string> = {}): NameLookup & { asked: string[] } {
  const rows = contacts.map((c) => ({ jid: '', lid: null, phone_number: null, name: null, notify: null, verified_name: null, ...c }) as Contact);
  const asked: string[] = [];
  return {
    asked,
    contact(jid) {
      asked.push(jid);
      return rows.find((r) => r.jid === jid) ?? (jid.endsWith('@lid') ? rows.find((r) => r.lid === jid) : undefined);
    },
    pnForLid: (lid) => mappings[lid],
    lidForPn: (pn) => Object.entries(mappings).find(([, p]) => p === pn)?.[0],
  };
}

describe('formatPhone', () => {
  it('puts the country code apart and groups the national number', () => {
    expect(formatPhone('447700900123')).toBe('+44 7700 900123');
    expect(formatPhone('447700900123@s.whatsapp.net')).toBe('+44 7700 900123');
    expect(formatPhone('15551234567')).toBe('+1 555 123 4567');
    expect(formatPhone('6281234567890')).toBe('+62 812 3456 7890');
    expect(formatPhone('2348031234567')).toBe('+234 803 123 4567');
    expect(formatPhone('+4915112345678')).toBe('+49 151 1234 5678');
  });

  it('is null for anything that is not a phone number (LIDs, groups, garbage)', () => {
    expect(formatPhone('123456789012345@lid')).toBeNull();
    expect(formatPhone('120363012345678901@g.us')).toBeNull();
    expect(formatPhone('hello')).toBeNull();
    expect(formatPhone(null)).toBeNull();
    expect(formatPhone('')).toBeNull();
  });
});

describe('personLabel', () => {
  it('takes saved > push > verified > phone, skipping blanks and ids posing as names', () => {
    expect(personLabel({ name: 'Ana', pushName: 'ana ✨', verifiedName: 'Ana Ltd', phone: '447700900123' })).toBe('Ana');
    expect(personLabel({ name: '  ', pushName: 'ana ✨', phone: '447700900123' })).toBe('ana ✨');
    expect(personLabel({ verifiedName: 'Ana Ltd', phone: '447700900123' })).toBe('Ana Ltd');
    expect(personLabel({ phone: '447700900123@s.whatsapp.net' })).toBe('+44 7700 900123');
    expect(personLabel({ pushName: '205227043110953@lid', phone: null })).toBe('Unknown contact');
    expect(personLabel({ name: '205227043110953' })).toBe('Unknown contact');
    expect(personLabel(null)).toBe('Unknown contact');
    expect(looksLikeBareId('205227043110953@lid')).toBe(true);
    expect(looksLikeBareId('Zoë')).toBe(false);
  });
});

describe('the name resolver', () => {
  const LID = '205227043110953@lid';
  const PN = '447700900123@s.whatsapp.net';

  it('a LID-only contact WITH a phone mapping: the phone-form contact answers, else the formatted number', () => {
    const withContact = createNameResolver(lookup([{ jid: PN, name: 'Ana Costa', notify: 'ana' }], { [LID]: PN }));
    expect(withContact.name(LID)).toBe('Ana Costa');
    expect(withContact.phoneOf(LID)).toBe(PN);
    const numberOnly = createNameResolver(lookup([], { [LID]: PN }));
    expect(numberOnly.name(LID)).toBe('+44 7700 900123');
    expect(numberOnly.name(LID, 'ana from the message')).toBe('ana from the message');
  });

  it('a LID-only contact WITHOUT a mapping: its push name, else "Unknown contact" from the label, never the LID', () => {
    const r = createNameResolver(lookup([{ jid: LID, lid: LID, notify: 'Stranger 🌻' }]));
    expect(r.name(LID)).toBe('Stranger 🌻');
    expect(r.phoneOf(LID)).toBeNull();
    const nothing = createNameResolver(lookup([]));
    expect(nothing.name(LID)).toBeNull();
    expect(personLabel({ name: nothing.name(LID) })).toBe('Unknown contact');
    // A stored "name" that is the LID's digits (an old row) does not count as a name.
    expect(nothing.name(LID, '205227043110953')).toBeNull();
  });

  it('a contact stored under the LID form while its phone is mapped: still found by either form', () => {
    const r = createNameResolver(lookup([{ jid: LID, lid: LID, name: 'Bea' }], { [LID]: PN }));
    expect(r.name(PN)).toBe('Bea');
    expect(r.name(LID)).toBe('Bea');
  });

  it('the saved name outranks what the message or chat says; the chat\'s saved name outranks a push name', () => {
    const r = createNameResolver(lookup([{ jid: PN, notify: 'push' }]));
    expect(r.name(PN, 'message push', 'Saved in chat')).toBe('Saved in chat');
    expect(r.name(PN, 'message push')).toBe('push');
    const saved = createNameResolver(lookup([{ jid: PN, name: 'Address Book', notify: 'push' }]));
    expect(saved.name(PN, 'message push', 'Saved in chat')).toBe('Address Book');
  });

  it('memoises per person: a page with the same sender many times looks it up once', () => {
    const l = lookup([{ jid: PN, name: 'Ana' }]);
    const r = createNameResolver(l);
    for (let i = 0; i < 50; i++) r.name(PN);
    expect(l.asked.length).toBe(1);
  });
});
