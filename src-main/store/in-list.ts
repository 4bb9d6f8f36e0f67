/**
 * Statements with an `IN (?, ?, ...)` list, prepared once per list length. A page asks for up to 200 keys,
 * so a query has at most 200 shapes; preparing one costs about as much as running it (SQLite parses and
 * plans the text each time), and list-messages runs three of them per request.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** `sqlFor(n)` builds the text for n keys; the returned function hands out the prepared statement for n. */
export function inListStatements(db: Db, sqlFor: (n: number) => string): (n: number) => Statement {
  const byLength = new Map<number, Statement>();
  return (n) => {
    let s = byLength.get(n);
    if (!s) {
      s = db.prepare(sqlFor(n));
      byLength.set(n, s);
    }
    return s;
  };
}
