/** wagw search "words" [--chat JID] [--session ID] [--limit N] [--json]: the archive's search, for scripts. */
import { localSearch, type SearchResult } from '../../app/index.js';
import { integer, openDataStore, parse, UsageError, type CliIo } from '../shared.js';

const SEARCH_OPTIONS = {
  'data-dir': { type: 'string' },
  session: { type: 'string' },
  chat: { type: 'string' },
  sender: { type: 'string' },
  type: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The snippet (escaped HTML with <mark>) as plain text, hits in [brackets]. */
export function snippetText(snippet: string): string {
  return snippet
    .replace(/<mark>/g, '[')
    .replace(/<\/mark>/g, ']')
    .replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!)
    .replace(/\s+/g, ' ');
}

function line(hit: SearchResult): string {
  const when = new Date(hit.message.timestamp).toISOString().slice(0, 16).replace('T', ' ');
  const chat = hit.chat.name ? `${hit.chat.name} <${hit.chat.jid}>` : hit.chat.jid;
  const who = hit.message.fromMe ? 'me' : (hit.message.senderName ?? hit.message.senderJid ?? '?');
  return `${when}  ${chat}  ${who}: ${snippetText(hit.snippet)}  (id ${hit.message.id})`;
}

export function search(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, SEARCH_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('usage: wagw search "words" [--chat JID] [--session ID] [--limit N] [--json]');
  const limit = integer('limit', values.limit, 1, 200) ?? 20;
  const store = openDataStore(values['data-dir']);
  try {
    const page = localSearch(store, values.session, { q: positionals[0], chat: values.chat, sender: values.sender, type: values.type }, limit);
    if (values.json) {
      io.out(JSON.stringify({ data: page.data, index: page.index }));
      return 0;
    }
    if (!page.data.length) io.out('No messages found.');
    for (const hit of page.data) io.out(line(hit));
    if (page.nextCursor) io.out(`(more than ${limit}: narrow the search or raise --limit)`);
    if (!page.index.complete) io.out(`(the search index is still being built: ${page.index.pending} messages are not searchable yet)`);
  } finally {
    store.close();
  }
  return 0;
}
