/** Small display formatters shared by the screens. */
import { formatPhone, looksLikeBareId, UNKNOWN_PERSON } from '@core/names.js';

export function formatBytes(size: number | null | undefined): string {
  if (size === null || size === undefined || !Number.isFinite(size) || size < 0) return 'unknown size';
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Clock time for a bubble ("14:05"). */
export function formatTime(timestamp: number, locale?: string): string {
  return new Date(timestamp).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/**
 * The one relative date of the UI (the chat list and the chat's day separators both use it): "Yesterday", the
 * weekday within the last week, else the date (with the year when it is not this year). Calendar days, not
 * elapsed hours, so a message from 23:59 yesterday reads "Yesterday" everywhere.
 */
export function relativeDay(timestamp: number, now: number = Date.now(), locale?: string): { today: boolean; label: string } {
  const day = new Date(timestamp);
  day.setHours(0, 0, 0, 0);
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  // Midnight to midnight is 23 or 25 hours across a DST change; rounding still gives whole days.
  const diffDays = Math.round((today.getTime() - day.getTime()) / 86_400_000);
  if (diffDays === 0) return { today: true, label: 'Today' };
  if (diffDays === 1) return { today: false, label: 'Yesterday' };
  if (diffDays > 1 && diffDays < 7) return { today: false, label: day.toLocaleDateString(locale, { weekday: 'long' }) };
  const sameYear = day.getFullYear() === today.getFullYear();
  return {
    today: false,
    label: day.toLocaleDateString(locale, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' }),
  };
}

/** Chat list time: the clock today, else the relative day (the same words as the chat's day separators). */
export function formatListTime(timestamp: number | null, now: number = Date.now(), locale?: string): string {
  if (timestamp === null) return '';
  const r = relativeDay(timestamp, now, locale);
  return r.today ? formatTime(timestamp, locale) : r.label;
}

/** Absolute date-time for tables ("Created", "Last used"). */
export function formatDateTime(timestamp: number | null, locale?: string): string {
  if (timestamp === null) return '—';
  return new Date(timestamp).toLocaleString(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The user part of a JID ("6281234567890@s.whatsapp.net" -> "6281234567890"; device suffix dropped). */
export function jidUser(jid: string): string {
  const at = jid.indexOf('@');
  const user = at >= 0 ? jid.slice(0, at) : jid;
  const colon = user.indexOf(':');
  return colon >= 0 ? user.slice(0, colon) : user;
}

/**
 * Readable fallback name of a JID (src-main/core/names.ts): a phone number formatted ("+44 7700 900123"), never
 * a bare LID ("Unknown contact"), else the user part (groups, channels).
 */
export function displayJid(jid: string): string {
  if (jid.endsWith('@lid')) return UNKNOWN_PERSON;
  return formatPhone(jid) ?? jidUser(jid);
}

/** A person's name as the UI shows it: the name the gateway resolved, else the JID's fallback above. */
export function personDisplay(name: string | null | undefined, ...jids: (string | null | undefined)[]): string {
  const n = name?.trim();
  if (n && !looksLikeBareId(n)) return n;
  const phone = jids.find((j) => j && formatPhone(j));
  if (phone) return formatPhone(phone)!;
  const jid = jids.find((j): j is string => !!j);
  return jid ? displayJid(jid) : UNKNOWN_PERSON;
}

export function isGroupJid(jid: string): boolean {
  return jid.endsWith('@g.us');
}

export function isChannelJid(jid: string): boolean {
  return jid.endsWith('@newsletter');
}

/** Percentage clamped to 0..100 and rounded, for progress bars. */
export function clampPercent(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return 0;
  return Math.round(Math.max(0, Math.min(100, value)));
}

/** User parts identifying our own account (phone number and LID), for "@You" mentions. */
export function selfUsersOf(session: { phoneNumber: string | null; waJid: string | null; waLid: string | null }): string[] {
  const users = [session.phoneNumber, session.waJid && jidUser(session.waJid), session.waLid && jidUser(session.waLid)];
  return users.filter((u): u is string => typeof u === 'string' && u !== '');
}
