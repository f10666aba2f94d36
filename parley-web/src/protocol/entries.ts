import type { Message, ReplyRef } from './types';

/**
 * Applying the change entries of a conversation (edit, recall, reaction; ADR 0005) to the messages a client holds.
 * Pure functions: the message log calls them, the tests drive them directly.
 */

export const isChange = (e: Pick<Message, 'kind'>): boolean => e.kind === 'edit' || e.kind === 'recall' || e.kind === 'reaction';

/** Entries that are shown in the timeline: messages and system entries (change entries are applied instead). */
export const isShown = (e: Pick<Message, 'kind'>): boolean => !isChange(e);

/** Entries that count as messages (unread counts, notifications, previews of their own). */
export const isMessage = (e: Pick<Message, 'kind'>): boolean => e.kind === undefined || e.kind === 'text' || e.kind === 'media';

/** The server clips reply quotes to 200 code points; the client does the same for quotes it updates. */
export function clip(text: string, max = 200): string {
  const cps = [...text];
  return cps.length > max ? cps.slice(0, max).join('') : text;
}

/** The message after one change entry. A change that does not apply (another message, recalled) leaves it as it is. */
export function applyChange(m: Message, c: Message): Message {
  if (c.targetId !== m.id) return m;
  switch (c.kind) {
    case 'edit':
      if (m.recalled) return m;
      return { ...m, text: c.text ?? '', editedAt: c.sentAt };
    case 'recall': {
      if (m.recalled) return m;
      const { text: _t, attachments: _a, mentions: _m, mentionsAll: _all, replyTo: _r, reactions: _x, editedAt: _e, ...rest } = m;
      return { ...rest, recalled: true, recalledBy: c.senderId };
    }
    case 'reaction':
      if (m.recalled || !c.emoji) return m;
      return { ...m, reactions: react(m.reactions ?? [], c.emoji, c.senderId, c.removed === true) };
    default:
      return m;
  }
}

/** Adds or removes one user's reaction; emoji keep the order of their first use, empty ones go. Idempotent. */
export function react(list: NonNullable<Message['reactions']>, emoji: string, userId: number, removed: boolean) {
  const i = list.findIndex(r => r.emoji === emoji);
  if (removed) {
    if (i < 0 || !list[i].userIds.includes(userId)) return list;
    const userIds = list[i].userIds.filter(u => u !== userId);
    return userIds.length ? list.map((r, j) => (j === i ? { ...r, userIds } : r)) : list.filter((_, j) => j !== i);
  }
  if (i < 0) return [...list, { emoji, userIds: [userId] }];
  if (list[i].userIds.includes(userId)) return list;
  return list.map((r, j) => (j === i ? { ...r, userIds: [...r.userIds, userId] } : r));
}

/** A quote of `m` as a reply carries it (for replies to a message the client changed). */
export function replyRefOf(m: Message): ReplyRef {
  return m.recalled
    ? { id: m.id, seq: m.seq, senderId: m.senderId, kind: m.kind ?? 'text', recalled: true }
    : { id: m.id, seq: m.seq, senderId: m.senderId, kind: m.kind ?? 'text', ...(m.text !== undefined ? { text: clip(m.text) } : {}) };
}

/** A reply whose quoted message changed gets the new quote (edited text, recalled). */
export function refreshQuote(reply: Message, quoted: Message): Message {
  if (!reply.replyTo || reply.replyTo.id !== quoted.id) return reply;
  return { ...reply, replyTo: replyRefOf(quoted) };
}
