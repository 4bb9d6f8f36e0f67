import { describe, expect, it } from 'vitest';
import { snippetParts } from '../../src-renderer/src/lib/logic/snippet.js';
import { renderSnippet } from '../../src-main/store/search-query.js';

describe('snippetParts (search results as text nodes)', () => {
  it('splits marks from text and decodes the escaping, so markup in a message stays text', () => {
    const html = renderSnippet('say \u0001<b>hi</b>\u0002 & "bye" \u0001x\u0002');
    expect(html).toBe('say <mark>&lt;b&gt;hi&lt;/b&gt;</mark> &amp; &quot;bye&quot; <mark>x</mark>');
    expect(snippetParts(html)).toEqual([
      { text: 'say ', mark: false },
      { text: '<b>hi</b>', mark: true },
      { text: ' & "bye" ', mark: false },
      { text: 'x', mark: true },
    ]);
  });

  it('plain text and empty snippets', () => {
    expect(snippetParts('no hits')).toEqual([{ text: 'no hits', mark: false }]);
    expect(snippetParts('')).toEqual([]);
    // Decoding happens once: an escaped entity in the message stays as typed.
    expect(snippetParts(renderSnippet('&lt;'))).toEqual([{ text: '&lt;', mark: false }]);
  });
});
