/**
 * Pure helpers of the message search filters and the indexing notice (lib/state/search.svelte.ts uses them;
 * test/renderer/search-filters.test.ts checks them).
 */

/** Local midnight of a yyyy-mm-dd day plus `days`, as epoch ms; NaN for anything else. */
function localDay(day: string, days = 0): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return NaN;
  // new Date(y, m, d) is local time and rolls over months, years and DST changes correctly.
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days).getTime();
}

/**
 * The API's `after` / `before` (epoch ms, both exclusive) for a range of whole local days, both ends
 * included: from the first moment of `since` to the last of `until`. An empty or invalid day is no bound.
 */
export function dayRange(since: string, until: string): { after: number | undefined; before: number | undefined } {
  const start = localDay(since);
  const end = localDay(until, 1);
  return { after: Number.isFinite(start) ? start - 1 : undefined, before: Number.isFinite(end) ? end : undefined };
}

const count = new Intl.NumberFormat('en-US');

/** The notice while the search index is incomplete. */
export function indexingNotice(pending: number): string {
  return `Indexing ${count.format(pending)} ${pending === 1 ? 'message' : 'messages'}… results may be incomplete`;
}

/** Messages not indexed yet, from GET .../messages/search/status. */
export function pendingOf(status: { done: number; total: number; queued: number }): number {
  return Math.max(0, status.total - status.done) + status.queued;
}
