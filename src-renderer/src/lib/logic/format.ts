/** Small display formatters shared by the screens. */

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

/** Chat list time: clock today, weekday within a week, else a short date. */
export function formatListTime(timestamp: number | null, now: number = Date.now(), locale?: string): string {
  if (timestamp === null) return '';
  const d = new Date(timestamp);
  const n = new Date(now);
  if (d.toDateString() === n.toDateString()) return formatTime(timestamp, locale);
  const ageDays = (now - timestamp) / 86_400_000;
  if (ageDays >= 0 && ageDays < 6) return d.toLocaleDateString(locale, { weekday: 'short' });
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: '2-digit' });
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

/** Readable fallback name of a JID: "+6281234567890" for phone numbers, else the user part. */
export function displayJid(jid: string): string {
  const user = jidUser(jid);
  return jid.endsWith('@s.whatsapp.net') && /^\d+$/.test(user) ? `+${user}` : user;
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
