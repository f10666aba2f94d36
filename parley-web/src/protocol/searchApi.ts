import type { Api } from './api';
import type { Message, SearchPage, SearchResult } from './types';

/** GET /search/messages (protocol.md §14): newest first, `next` for the following page. */
export function searchMessages(api: Api, q: string, opts: { conversationId?: number; cursor?: string; limit?: number } = {}): Promise<SearchPage> {
  const p = new URLSearchParams({ q });
  if (opts.conversationId !== undefined) p.set('conversationId', String(opts.conversationId));
  if (opts.cursor) p.set('cursor', opts.cursor);
  if (opts.limit) p.set('limit', String(opts.limit));
  return api.request<SearchPage>('GET', `/search/messages?${p}`);
}

export type HighlightPart = { text: string; hit: boolean };

/** Splits a text around the occurrences of the query (case-insensitive), for highlighting a search hit. */
export function highlight(text: string, q: string): HighlightPart[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [{ text, hit: false }];
  const hay = text.toLowerCase();
  const words = needle.split(/\s+/).filter(Boolean);
  const parts: HighlightPart[] = [];
  let i = 0;
  let plain = '';
  while (i < text.length) {
    // Lower-casing keeps lengths for the scripts we search (Latin, CJK); find the longest word starting here.
    const w = words.filter(x => hay.startsWith(x, i)).sort((a, b) => b.length - a.length)[0];
    if (w) {
      if (plain) { parts.push({ text: plain, hit: false }); plain = ''; }
      parts.push({ text: text.slice(i, i + w.length), hit: true });
      i += w.length;
    } else {
      plain += text[i++];
    }
  }
  if (plain) parts.push({ text: plain, hit: false });
  return parts;
}

export interface SearchRow { key: string; conversationId: number; seq: number; hit: Message; context: Message[]; result: SearchResult }

/** Results as rows: one per hit, keyed by conversation and seq, with the shown context entries in order. */
export function toRows(results: readonly SearchResult[]): SearchRow[] {
  const seen = new Set<string>();
  const rows: SearchRow[] = [];
  for (const r of results) {
    const key = `${r.message.conversationId}:${r.message.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const context = [...(r.before ?? []), r.message, ...(r.after ?? [])]
      .filter(m => m.kind !== 'edit' && m.kind !== 'recall' && m.kind !== 'reaction')
      .sort((a, b) => a.seq - b.seq);
    rows.push({ key, conversationId: r.message.conversationId, seq: r.message.seq, hit: r.message, context, result: r });
  }
  return rows;
}
