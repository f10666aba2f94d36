/**
 * Mentions in the composer: when to open the picker, which members it offers, what picking one inserts, and which
 * members a text mentions when it is sent. Pure functions over the text and the caret.
 */

export interface MentionCandidate { id: number; name: string; username: string }
/** The pseudo-member for "@all" (admins and owners only); id 0 never is a user. */
export const ALL_ID = 0;

/** Characters that may stand right before an "@" that starts a mention (so "me@example.com" does not). */
const BEFORE = /[\s([{"'“‘（【「，。、；：！？,.;:!?]/u;
/** Characters that end a mention: whitespace and punctuation, or the end of the text. */
const AFTER = /[\s)\]}"'”’）】」，。、；：！？,.;:!?]/u;

/** The mention being typed at the caret: where its "@" is and what follows it, or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const upto = text.slice(0, caret);
  const at = upto.lastIndexOf('@');
  if (at < 0) return null;
  if (at > 0 && !BEFORE.test(upto[at - 1])) return null;
  const query = upto.slice(at + 1);
  if (/\s/u.test(query) || [...query].length > 32) return null;
  return { start: at, query };
}

/**
 * The members the picker offers for a query: not oneself; names or usernames starting with it first, then those
 * containing it; "@all" first when allowed and it fits. At most `limit`.
 */
export function filterMembers(members: readonly MentionCandidate[], query: string, meId: number,
  allLabel: string | null, limit = 8): MentionCandidate[] {
  const q = query.toLowerCase();
  const starts: MentionCandidate[] = [];
  const contains: MentionCandidate[] = [];
  for (const m of members) {
    if (m.id === meId) continue;
    const name = m.name.toLowerCase();
    const user = m.username.toLowerCase();
    if (!q || name.startsWith(q) || user.startsWith(q) || name.split(/\s+/).some(w => w.startsWith(q))) starts.push(m);
    else if (name.includes(q) || user.includes(q)) contains.push(m);
  }
  const all: MentionCandidate[] = allLabel !== null && (!q || 'all'.startsWith(q) || allLabel.toLowerCase().startsWith(q))
    ? [{ id: ALL_ID, name: allLabel, username: 'all' }] : [];
  return [...all, ...starts, ...contains].slice(0, limit);
}

/** Replaces the "@query" before the caret by "@name " and returns the new text and caret. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const ins = `@${name} `;
  return { text: text.slice(0, start) + ins + text.slice(caret), caret: start + ins.length };
}

function occurs(text: string, token: string): boolean {
  let from = 0;
  for (;;) {
    const i = text.indexOf(token, from);
    if (i < 0) return false;
    const before = i === 0 || BEFORE.test(text[i - 1]);
    const after = i + token.length >= text.length || AFTER.test(text[i + token.length]);
    if (before && after) return true;
    from = i + 1;
  }
}

/**
 * Which of the members (and "@all") a text mentions: each "@name" that stands alone. Longer names win over a
 * shorter name they start with ("@Ann Lee" is not also "@Ann").
 */
export function collectMentions(text: string, members: readonly MentionCandidate[], allLabels: readonly string[] | null)
  : { mentions: number[]; mentionsAll: boolean } {
  const sorted = [...members].sort((a, b) => b.name.length - a.name.length);
  let rest = text;
  const ids: number[] = [];
  for (const m of sorted) {
    const token = `@${m.name}`;
    if (m.id !== ALL_ID && occurs(rest, token)) {
      if (!ids.includes(m.id)) ids.push(m.id);
      rest = rest.split(token).join(' ');
    }
  }
  const mentionsAll = allLabels !== null && allLabels.some(l => occurs(rest, `@${l}`));
  return { mentions: ids.sort((a, b) => a - b), mentionsAll };
}

export type MentionPart = { kind: 'text'; text: string } | { kind: 'mention'; text: string; me: boolean };

/** Splits a text into plain parts and "@name" parts for the given names (for highlighting in a bubble). */
export function splitMentions(text: string, names: readonly { name: string; me: boolean }[]): MentionPart[] {
  const tokens = names.filter(n => n.name).map(n => ({ token: `@${n.name}`, me: n.me })).sort((a, b) => b.token.length - a.token.length);
  const parts: MentionPart[] = [];
  let plain = '';
  let i = 0;
  outer: while (i < text.length) {
    if (text[i] === '@' && (i === 0 || BEFORE.test(text[i - 1]))) {
      for (const t of tokens) {
        const end = i + t.token.length;
        if (text.startsWith(t.token, i) && (end >= text.length || AFTER.test(text[end]))) {
          if (plain) { parts.push({ kind: 'text', text: plain }); plain = ''; }
          parts.push({ kind: 'mention', text: t.token, me: t.me });
          i = end;
          continue outer;
        }
      }
    }
    plain += text[i++];
  }
  if (plain) parts.push({ kind: 'text', text: plain });
  return parts;
}
