import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-main/core/errors.js';
import { MAX_QUERY_LENGTH, parseSearchQuery, renderSnippet } from '../../src-main/store/search-query.js';

describe('parseSearchQuery', () => {
  it('quotes every word and ANDs them', () => {
    const p = parseSearchQuery('  hello   World ');
    expect(p.index).toBe('words');
    expect(p.match).toBe('"hello" AND "World"');
    expect(p.like).toEqual([]);
  });

  it('keeps phrases and prefixes', () => {
    expect(parseSearchQuery('"good morning" wor*').match).toBe('"good morning" AND "wor"*');
    expect(parseSearchQuery('"good mor"*').match).toBe('"good mor"*');
    expect(parseSearchQuery('"a  b\tc"').terms).toEqual([{ text: 'a b c', phrase: true, prefix: false }]);
  });

  it('turns FTS5 operators and column filters into plain text', () => {
    expect(parseSearchQuery('cats OR dogs').match).toBe('"cats" AND "OR" AND "dogs"');
    expect(parseSearchQuery('NOT x').match).toBe('"NOT" AND "x"');
    expect(parseSearchQuery('NEAR(a b)').match).toBe('"NEAR(a" AND "b)"');
    expect(parseSearchQuery('body:secret').match).toBe('"body:secret"');
    expect(parseSearchQuery('^start +plus (x)').match).toBe('"^start" AND "+plus" AND "(x)"');
    expect(parseSearchQuery('{body sender_name}: x').match).toBe('"{body" AND "sender_name}:" AND "x"');
  });

  it('neutralises quotes: unbalanced runs to the end, inner quotes cannot escape', () => {
    expect(parseSearchQuery('"unbalanced phrase').match).toBe('"unbalanced phrase"');
    expect(parseSearchQuery('say "hi').match).toBe('"say" AND "hi"');
    expect(parseSearchQuery('a"b').match).toBe('"a" AND "b"');
    expect(parseSearchQuery('"""x"""').match).toBe('"x"');
  });

  it('drops words without letters or digits', () => {
    expect(parseSearchQuery('hello * ^ - 😀').match).toBe('"hello"');
  });

  it('rejects empty, symbol-only, overlong and too-short-prefix queries with a ValidationError', () => {
    for (const q of ['', '   ', undefined, null, '*', '^', '""', '" "', '* ** -', 'a*']) {
      expect(() => parseSearchQuery(q), String(q)).toThrow(ValidationError);
    }
    expect(() => parseSearchQuery('x'.repeat(10_000))).toThrow(ValidationError);
    expect(() => parseSearchQuery('x'.repeat(MAX_QUERY_LENGTH + 1))).toThrow(/too long/);
    expect(() => parseSearchQuery(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '))).toThrow(/too many/);
    expect(parseSearchQuery('x'.repeat(MAX_QUERY_LENGTH)).terms).toHaveLength(1);
  });

  it('sends CJK and other unsegmented scripts to the trigram index; short strings become LIKE patterns', () => {
    const long = parseSearchQuery('東京都');
    expect(long).toMatchObject({ index: 'cjk', match: '"東京都"', like: [] });
    const short = parseSearchQuery('東京');
    expect(short).toMatchObject({ index: 'cjk', match: null, like: ['%東京%'] });
    const mixed = parseSearchQuery('Tokyo* 東京 100%_');
    expect(mixed).toMatchObject({ index: 'cjk', match: '"Tokyo" AND "100%_"', like: ['%東京%'] });
    expect(parseSearchQuery('서울').index).toBe('cjk');
    expect(parseSearchQuery('สวัสดี').index).toBe('cjk');
    expect(parseSearchQuery('ok 好_').like).toEqual(['%ok%', '%好\\_%']);
  });
});

describe('renderSnippet', () => {
  it('escapes everything and marks hits', () => {
    expect(renderSnippet('a <b>&\u0001hit\u0002 "x" \'y\'')).toBe('a &lt;b&gt;&amp;<mark>hit</mark> &quot;x&quot; &#39;y&#39;');
  });

  it('drops stray or empty marks so the HTML stays balanced', () => {
    expect(renderSnippet('x\u0001 y')).toBe('x y');
    expect(renderSnippet('\u0002a\u0001b\u0002\u0001')).toBe('a<mark>b</mark>');
    expect(renderSnippet('\u0001\u0002')).toBe('');
    expect(renderSnippet(null)).toBe('');
  });

  it('cannot be tricked into markup by a hit', () => {
    expect(renderSnippet('\u0001<script>\u0002')).toBe('<mark>&lt;script&gt;</mark>');
  });
});
