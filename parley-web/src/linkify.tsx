import type { ReactNode } from 'react';

export type Part = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"»」』。，！？]+$/;

/** Only http(s) URLs become links; everything else stays plain text. */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Splits message text into plain text and http(s) link parts. */
export function splitLinks(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    const trail = url.match(TRAILING);
    if (trail) url = url.slice(0, url.length - trail[0].length);
    const start = m.index ?? 0;
    const href = safeHref(url);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: url, href });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** Message text as React nodes: text nodes and safe anchors, never HTML. */
export function Linkified({ text }: { text: string }): ReactNode {
  return splitLinks(text).map((p, i) =>
    p.kind === 'link'
      ? <a key={i} href={p.href} target="_blank" rel="noopener noreferrer">{p.text}</a>
      : <span key={i}>{p.text}</span>,
  );
}
