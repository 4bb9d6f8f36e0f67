/**
 * HTML export: one self-contained page that reads like WhatsApp. Inline CSS only, no scripts, nothing loaded
 * from elsewhere (media are relative paths into the zip's media/ folder; without media, a placeholder).
 * Light and dark follow prefers-color-scheme. Every piece of text from WhatsApp is escaped.
 */
import { attachmentName, authorOf, dayOf, textOf, timeOf, type ExportHead, type ExportItem, type ExportWriter } from './types.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Escaped text with http(s) links as plain anchors (a link a reader may follow is not a load). */
function richText(s: string): string {
  const parts = s.split(/(https?:\/\/[^\s<>"']+)/g);
  return parts
    .map((p, i) => (i % 2 === 1 ? `<a href="${escapeHtml(p)}" rel="noreferrer noopener">${escapeHtml(p)}</a>` : escapeHtml(p)))
    .join('');
}

const CSS = `:root{color-scheme:light dark;--bg:#efeae2;--in:#fff;--out:#d9fdd3;--fg:#111b21;--muted:#667781;--day:#e1f2fb;--quote:rgba(0,0,0,.06);--accent:#027eb5}
@media (prefers-color-scheme:dark){:root{--bg:#0b141a;--in:#202c33;--out:#005c4b;--fg:#e9edef;--muted:#8696a0;--day:#182229;--quote:rgba(255,255,255,.08);--accent:#53bdeb}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:14.2px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{position:sticky;top:0;background:var(--in);padding:12px 16px;border-bottom:1px solid var(--quote)}header h1{font-size:16px;margin:0}header p{margin:2px 0 0;color:var(--muted);font-size:12px}
main{max-width:860px;margin:0 auto;padding:12px 16px 40px;display:flex;flex-direction:column;gap:3px}
.day{align-self:center;background:var(--day);color:var(--muted);font-size:12px;padding:4px 10px;border-radius:8px;margin:10px 0 6px}
.sys{align-self:center;text-align:center;color:var(--muted);font-size:12.5px;background:var(--day);padding:4px 10px;border-radius:8px;max-width:80%}
.msg{max-width:75%;padding:6px 8px 4px;border-radius:8px;background:var(--in);align-self:flex-start;overflow-wrap:anywhere;box-shadow:0 1px .5px rgba(0,0,0,.13)}
.msg.out{align-self:flex-end;background:var(--out)}.msg:target{outline:2px solid var(--accent)}
.who{font-weight:600;font-size:12.8px;color:var(--accent);margin-bottom:2px}.text{white-space:pre-wrap}
.meta{float:right;margin:6px 0 0 10px;font-size:11px;color:var(--muted)}
.quote{display:block;border-left:4px solid var(--accent);background:var(--quote);border-radius:6px;padding:4px 8px;margin-bottom:4px;color:var(--muted);font-size:12.8px;text-decoration:none;white-space:pre-wrap;max-height:4.2em;overflow:hidden}
.media img,.media video{display:block;max-width:100%;max-height:420px;border-radius:6px}.media audio{width:260px;max-width:100%}
.missing{color:var(--muted);font-style:italic}.deleted{color:var(--muted);font-style:italic}.react{font-size:12.5px;color:var(--muted)}
a{color:var(--accent)}`;

/** Snippets of recent messages for reply quotes: bounded, so a long chat keeps constant memory. */
const QUOTE_CACHE = 5000;

export function htmlWriter(head: ExportHead): ExportWriter {
  const group = head.chat.type === 'group';
  const title = head.chat.name?.trim() || head.chat.jid;
  let lastDay = '';
  const recent = new Map<string, string>();

  function mediaHtml(item: ExportItem): string {
    const media = item.media;
    if (!media) return '';
    if (!media.file) {
      const why = head.includeMedia ? 'not downloaded' : 'not included';
      return `<div class="media missing">[${escapeHtml(item.message.type)}: ${escapeHtml(media.filename ?? item.message.type)} (${why})]</div>`;
    }
    const src = escapeHtml(media.file);
    const mime = media.mimetype ?? '';
    const t = item.message.type;
    if (t === 'image' || t === 'sticker' || mime.startsWith('image/')) return `<div class="media"><img src="${src}" alt="${escapeHtml(attachmentName(item))}" loading="lazy"></div>`;
    if (t === 'video' || mime.startsWith('video/')) return `<div class="media"><video src="${src}" controls preload="none"></video></div>`;
    if (t === 'audio' || mime.startsWith('audio/')) return `<div class="media"><audio src="${src}" controls preload="none"></audio></div>`;
    return `<div class="media"><a href="${src}" download>${escapeHtml(media.filename ?? attachmentName(item))}</a></div>`;
  }

  return {
    start: () =>
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'">` +
      `<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>\n` +
      `<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(head.chat.jid)} · exported ${escapeHtml(new Date(head.exportedAt).toISOString())}</p></header>\n<main>\n`,
    item(item: ExportItem): string {
      const m = item.message;
      let out = '';
      const day = dayOf(m.timestamp);
      if (day !== lastDay) {
        lastDay = day;
        out += `<div class="day">${day}</div>\n`;
      }
      const text = textOf(m);
      if (recent.size >= QUOTE_CACHE) recent.delete(recent.keys().next().value!);
      recent.set(m.id, `${authorOf(m, head.selfName)}: ${text || (item.media ? attachmentName(item) : '')}`.slice(0, 200));
      const id = `m-${escapeHtml(m.id)}`;
      if (m.type === 'system') return `${out}<div class="sys" id="${id}">${richText(text)}</div>\n`;
      let inner = '';
      if (group && !m.fromMe) inner += `<div class="who">${escapeHtml(authorOf(m, head.selfName))}</div>`;
      if (m.quotedMessageId && m.type !== 'reaction') {
        const q = recent.get(m.quotedMessageId);
        inner += `<a class="quote" href="#m-${escapeHtml(m.quotedMessageId)}">${escapeHtml(q ?? 'Quoted message')}</a>`;
      }
      if (!m.deleted) inner += mediaHtml(item);
      const cls = m.deleted ? 'deleted' : m.type === 'reaction' ? 'react' : 'text';
      const edited = m.edited ? 'edited · ' : '';
      inner += `<span class="meta">${edited}${timeOf(m.timestamp)}</span>`;
      if (text) inner += `<div class="${cls}">${richText(text)}</div>`;
      return `${out}<div class="msg ${m.fromMe ? 'out' : 'in'}" id="${id}">${inner}</div>\n`;
    },
    end: () => `</main>\n</body></html>\n`,
  };
}
