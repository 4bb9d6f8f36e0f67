/**
 * Search syntax -> a safe FTS5 query (pure; the SQL is in repositories/search.ts).
 *
 * What a person types: words (all required), "exact phrases", prefix* (2+ characters before the star).
 * Everything else is text, never FTS5 syntax: every word and phrase is emitted as an FTS5 string
 * ("..." with inner quotes doubled), so OR / NOT / AND / NEAR( / column filters (body:) / ^ / + / ( )
 * become words to look for (or separators the tokenizer drops). A word with no letter or digit (`*`, `^`,
 * `-`, an emoji) is dropped; a query left with nothing to search, an empty one or an overlong one is a
 * ValidationError (400), so a hostile `q` gives either a clean result or a validation error, never an
 * SQLite error.
 *
 * Index choice: text in scripts written without spaces between words (CJK, kana, Hangul, Thai, Lao,
 * Khmer, Myanmar) is one long token for unicode61, so a query containing such characters goes to the
 * trigram table (substring match; see migrations/003_message_search.sql). Trigram needs 3 characters per
 * string; shorter strings there (most Chinese words are 2 characters) become LIKE filters.
 */
import { ValidationError } from '../core/errors.js';

/** Longest accepted q, in characters. */
export const MAX_QUERY_LENGTH = 256;
/** Most words/phrases in one query. */
export const MAX_TERMS = 16;
/** Letters a prefix needs before its `*` (a 1-letter prefix would merge the doclists of a large part of the vocabulary). */
export const MIN_PREFIX_LENGTH = 2;

/**
 * Scripts written without spaces between words. Keep in step with the GLOB class of the triggers in
 * migrations/003_message_search.sql: Thai+Lao, Myanmar, Khmer, kana, CJK extension A, CJK unified,
 * Hangul syllables, CJK compatibility, CJK extensions B-F.
 */
export const CJK_CHARS =
  /[\u0E00-\u0EFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\u{20000}-\u{2FFFF}]/u;

const SEARCHABLE = /[\p{L}\p{N}]/u;

export interface SearchTerm {
  /** The word or phrase as typed (without quotes or the trailing star). */
  text: string;
  phrase: boolean;
  prefix: boolean;
}

export interface ParsedQuery {
  /** What the person asked for, normalised (for logs and tests). */
  terms: SearchTerm[];
  /** 'words': message_search (unicode61); 'cjk': message_search_cjk (trigram). */
  index: 'words' | 'cjk';
  /** The FTS5 MATCH expression, or null when the trigram table is filtered by LIKE alone (short CJK words). */
  match: string | null;
  /** LIKE patterns (escape character `\`) every result must also contain; only with index 'cjk'. */
  like: string[];
}

const ftsString = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const likePattern = (s: string): string => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Splits q into words and "phrases"; an unbalanced quote opens a phrase that runs to the end. */
function tokenize(q: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      const end = q.indexOf('"', i + 1);
      const stop = end < 0 ? q.length : end;
      const text = q.slice(i + 1, stop).replace(/\s+/gu, ' ').trim();
      i = stop + 1;
      const prefix = end >= 0 && q[i] === '*';
      if (prefix) i++;
      if (text) terms.push({ text, phrase: true, prefix });
      continue;
    }
    let j = i;
    while (j < q.length && !/\s/u.test(q[j]!) && q[j] !== '"') j++;
    let text = q.slice(i, j);
    i = j;
    const prefix = /[^*]\*+$/u.test(text);
    text = text.replace(/\*+$/u, '');
    if (text) terms.push({ text, phrase: false, prefix });
  }
  return terms;
}

export function parseSearchQuery(q: string | undefined | null): ParsedQuery {
  const raw = (q ?? '').trim();
  if (!raw) throw new ValidationError('q is required: the words to search for', { field: 'q' });
  if ([...raw].length > MAX_QUERY_LENGTH) {
    throw new ValidationError(`q is too long (at most ${MAX_QUERY_LENGTH} characters)`, { field: 'q', max: MAX_QUERY_LENGTH });
  }
  const terms = tokenize(raw).filter((t) => SEARCHABLE.test(t.text));
  if (terms.length === 0) {
    throw new ValidationError('q has no letters or digits to search for', { field: 'q' });
  }
  if (terms.length > MAX_TERMS) {
    throw new ValidationError(`q has too many words (at most ${MAX_TERMS})`, { field: 'q', max: MAX_TERMS });
  }
  const cjk = terms.some((t) => CJK_CHARS.test(t.text));
  if (!cjk) {
    for (const t of terms) {
      if (t.prefix && [...t.text].filter((ch) => SEARCHABLE.test(ch)).length < MIN_PREFIX_LENGTH) {
        throw new ValidationError(`a prefix needs at least ${MIN_PREFIX_LENGTH} letters before the *`, { field: 'q' });
      }
    }
    const match = terms.map((t) => `${ftsString(t.text)}${t.prefix ? '*' : ''}`).join(' AND ');
    return { terms, index: 'words', match, like: [] };
  }
  // Trigram: substring semantics already, so a prefix star adds nothing.
  const long = terms.filter((t) => [...t.text].length >= 3);
  const short = terms.filter((t) => [...t.text].length < 3);
  return {
    terms,
    index: 'cjk',
    match: long.length ? long.map((t) => ftsString(t.text)).join(' AND ') : null,
    like: short.map((t) => likePattern(t.text)),
  };
}

/** Marks FTS5 puts around hits in snippets: control characters that are then HTML-escaped away. */
export const MARK_OPEN = '\u0001';
export const MARK_CLOSE = '\u0002';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A snippet from FTS5's snippet() (hits between MARK_OPEN and MARK_CLOSE) as safe HTML: all text escaped,
 * each hit in <mark></mark>. Stray marks (the characters occurring in the message itself) are dropped, so
 * the output is always balanced.
 */
export function renderSnippet(raw: string | null | undefined): string {
  if (!raw) return '';
  const escaped = raw.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
  return escaped
    .replace(/\u0001([^\u0001\u0002]*)\u0002/g, (_m, hit: string) => (hit ? `<mark>${hit}</mark>` : ''))
    .replace(/[\u0001\u0002]/g, '');
}
