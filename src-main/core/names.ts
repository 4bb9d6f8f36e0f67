/**
 * The one rule for showing a person: saved name > push name > verified name > phone number ("+44 7700 900123"),
 * and never a bare LID (`123...@lid` or its digits). The gateway's app services (chat names, message senders,
 * mentions, reactions, group participants) and the renderer (live messages, its own fallbacks) both use it, so
 * the API and the UI cannot disagree about who someone is.
 *
 * Pure: lookups come in through `NameLookup`, so the store (app/names.ts) and tests can feed it.
 */

/** What the archive knows about one person (a contacts row, or less). */
export interface KnownPerson {
  name?: string | null | undefined;
  pushName?: string | null | undefined;
  verifiedName?: string | null | undefined;
  /** Phone-number JID (`447700900123@s.whatsapp.net`) or bare digits, when known. */
  phone?: string | null | undefined;
}

/** Shown for someone known only by a LID with no name and no number. */
export const UNKNOWN_PERSON = 'Unknown contact';

/**
 * Calling codes of one and two digits (ITU-T E.164 assignments); every other code has three. Enough to put the
 * space after the country code, which is what makes a number readable.
 */
const SHORT_CODES = new Set([
  '1', '7', '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48',
  '49', '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84',
  '86', '90', '91', '92', '93', '94', '95', '98',
]);

/** How national numbers are grouped for a few calling codes; the rest: groups of 3 from the left, 4 at the end. */
const GROUPINGS: Record<string, (n: string) => string[]> = {
  // NANP: (555) 123-4567 written the international way: 555 123 4567.
  '1': (n) => (n.length === 10 ? [n.slice(0, 3), n.slice(3, 6), n.slice(6)] : [n]),
  // UK: 7700 900123 (mobiles and most geographic numbers: 4 + 6).
  '44': (n) => (n.length === 10 ? [n.slice(0, 4), n.slice(4)] : [n]),
};

function defaultGrouping(n: string): string[] {
  if (n.length <= 6) return [n];
  // The last four digits together; before them groups of three, a lone digit joining its neighbour.
  const head = n.slice(0, -4);
  const groups: string[] = head.match(/.{1,3}/g) ?? [];
  if (groups.length > 1 && groups[groups.length - 1]!.length === 1) {
    const lone = groups.pop()!;
    groups.push(`${groups.pop()!}${lone}`);
  }
  return [...groups, n.slice(-4)];
}

/** The digits of a phone JID (or of digits), else null: LIDs, groups and garbage are not phone numbers. */
export function phoneDigits(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const at = phone.indexOf('@');
  if (at >= 0 && !phone.endsWith('@s.whatsapp.net')) return null;
  const user = (at >= 0 ? phone.slice(0, at) : phone).split(':')[0]!.replace(/^\+/, '');
  return /^[1-9][0-9]{5,16}$/.test(user) ? user : null;
}

/** "447700900123" or "447700900123@s.whatsapp.net" -> "+44 7700 900123"; null when it is not a phone number. */
export function formatPhone(phone: string | null | undefined): string | null {
  const digits = phoneDigits(phone);
  if (!digits) return null;
  const code = [1, 2, 3].map((n) => digits.slice(0, n)).find((c) => c.length === 3 || SHORT_CODES.has(c))!;
  const national = digits.slice(code.length);
  const groups = (GROUPINGS[code] ?? defaultGrouping)(national);
  return `+${code} ${groups.join(' ')}`;
}

const clean = (s: string | null | undefined): string | null => {
  const t = typeof s === 'string' ? s.trim() : '';
  return t === '' || looksLikeBareId(t) ? null : t;
};

/** A "name" that is really an id (a LID, a JID, or its digits): never shown as a name. */
export function looksLikeBareId(s: string): boolean {
  return /^\+?[0-9]{6,}(@(lid|s\.whatsapp\.net))?$/.test(s) || /@lid$/.test(s);
}

/** The name of a person by the rule above, or null when nothing but a LID is known. */
export function personName(p: KnownPerson | null | undefined): string | null {
  if (!p) return null;
  return clean(p.name) ?? clean(p.pushName) ?? clean(p.verifiedName) ?? formatPhone(p.phone);
}

/** Same, with the last resort for a LID-only stranger: never empty, never a bare LID. */
export function personLabel(p: KnownPerson | null | undefined): string {
  return personName(p) ?? UNKNOWN_PERSON;
}

/** Where a resolver finds people: a contact by either JID form, and the LID <-> phone mapping. */
export interface NameLookup {
  /** The stored contact for a JID (phone or LID form), if any. */
  contact(jid: string): { name: string | null; notify: string | null; verified_name: string | null; phone_number: string | null; jid: string; lid: string | null } | undefined;
  pnForLid(lid: string): string | undefined;
  lidForPn(pn: string): string | undefined;
}

export interface NameResolver {
  /**
   * The name for a JID (phone or LID form). `pushName` is what a message itself said (its pushName), used
   * after the stored push name; `savedName` a saved name known elsewhere (a chat's stored name), used after
   * the contact's own. Null only when nothing but a LID is known.
   */
  name(jid: string | null | undefined, pushName?: string | null, savedName?: string | null): string | null;
  /** The phone JID of a person, when known (the JID itself, or a LID's mapping, or a contact's number). */
  phoneOf(jid: string): string | null;
}

/** One resolver per request: lookups are memoised, so a page with the same sender 50 times asks once. */
export function createNameResolver(lookup: NameLookup): NameResolver {
  const people = new Map<string, KnownPerson>();

  const personOf = (jid: string): KnownPerson => {
    const memo = people.get(jid);
    if (memo) return memo;
    const isLid = jid.endsWith('@lid');
    const isPhone = jid.endsWith('@s.whatsapp.net');
    let pn: string | null = isPhone ? jid : isLid ? (lookup.pnForLid(jid) ?? null) : null;
    const lid = isLid ? jid : isPhone ? (lookup.lidForPn(jid) ?? null) : null;
    const c = (pn ? lookup.contact(pn) : undefined) ?? lookup.contact(jid) ?? (lid && lid !== jid ? lookup.contact(lid) : undefined);
    pn ??= c?.phone_number ?? (c && c.jid.endsWith('@s.whatsapp.net') ? c.jid : null);
    const person: KnownPerson = { name: c?.name, pushName: c?.notify, verifiedName: c?.verified_name, phone: pn };
    people.set(jid, person);
    return person;
  };

  return {
    name(jid, pushName, savedName) {
      if (!jid) return clean(savedName) ?? clean(pushName);
      const p = personOf(jid);
      return personName({ ...p, name: clean(p.name) ?? savedName, pushName: clean(p.pushName) ?? pushName });
    },
    phoneOf(jid) {
      const phone = personOf(jid).phone ?? null;
      return phoneDigits(phone) ? phone : null;
    },
  };
}
