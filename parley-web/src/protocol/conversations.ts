import type { ConversationSummary, Message } from './types';

/**
 * The conversation list's rules, pure: merging summaries from the server with what the client already knows,
 * folders (main, archived), order (pinned first), and the totals badges show.
 */

export interface ConversationState { summary: ConversationSummary; lastMessage: Message | null }

export type Folder = 'main' | 'archived';

/** Hidden after "delete for me" until a newer entry arrives. */
export const isCleared = (s: ConversationSummary): boolean => (s.clearedSeq ?? 0) > 0 && s.lastSeq <= (s.clearedSeq ?? 0);

/** The conversations of a folder, pinned first, then by latest activity. */
export function folder(list: Iterable<ConversationState>, f: Folder): ConversationState[] {
  return [...list]
    .filter(c => !isCleared(c.summary) && (f === 'archived') === (c.summary.archived === true))
    .sort((a, b) => Number(b.summary.pinned === true) - Number(a.summary.pinned === true)
      || b.summary.lastActivityAt - a.summary.lastActivityAt || b.summary.id - a.summary.id);
}

/** Unread messages over the conversations that notify (muted ones do not count). */
export function unreadTotal(list: Iterable<ConversationState>): number {
  let n = 0;
  for (const c of list) if (!c.summary.muted && !isCleared(c.summary)) n += c.summary.unread;
  return n;
}

/**
 * A summary from the server merged into the one held: cursors and counters never go back (a summary read before a
 * push may arrive after it); settings and group details are the server's.
 */
export function mergeSummary(held: ConversationSummary | undefined, s: ConversationSummary): ConversationSummary {
  if (!held) return s;
  const newer = s.lastSeq >= held.lastSeq && s.readSeq >= held.readSeq;
  const lastSeq = Math.max(held.lastSeq, s.lastSeq);
  const readSeq = Math.max(held.readSeq, s.readSeq);
  return {
    ...s,
    lastSeq, readSeq,
    unread: readSeq >= lastSeq ? 0 : newer ? s.unread : held.unread,
    mentionCount: readSeq >= lastSeq ? undefined : newer ? s.mentionCount : held.mentionCount,
    lastActivityAt: Math.max(held.lastActivityAt, s.lastActivityAt),
    peerReadSeq: maxOpt(held.peerReadSeq, s.peerReadSeq),
    peerDeliveredSeq: maxOpt(held.peerDeliveredSeq, s.peerDeliveredSeq),
    // A membership that ended stays ended (the server's frozen summary may be read before the push that ended it).
    left: s.left || (held.left && s.lastSeq <= held.lastSeq) || undefined,
  };
}

function maxOpt(a?: number, b?: number): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** Does this entry mention the user (by id or @all)? */
export const mentionsMe = (m: Message, meId: number): boolean => m.senderId !== meId && (m.mentionsAll === true || (m.mentions ?? []).includes(meId));
