/**
 * Who is typing where, and when this client may tell others it is typing. The server forwards at most one
 * `typing` per 2 s per user and conversation, so the client sends no more often, and shows someone as typing for
 * a little longer than that after their last one.
 */
export const TYPING_SEND_EVERY_MS = 2000;
export const TYPING_SHOW_MS = 6000;

export class TypingTracker {
  private shown = new Map<number, Map<number, number>>();
  private lastSent = new Map<number, number>();

  /** A `typing` push: userId types in conversationId (until now + TYPING_SHOW_MS). */
  note(conversationId: number, userId: number, now: number): void {
    let m = this.shown.get(conversationId);
    if (!m) { m = new Map(); this.shown.set(conversationId, m); }
    m.set(userId, now + TYPING_SHOW_MS);
  }

  /** They sent a message (or left): no longer typing. Returns whether they were shown as typing. */
  stop(conversationId: number, userId: number): boolean {
    return this.shown.get(conversationId)?.delete(userId) ?? false;
  }

  /** The users typing in a conversation at `now`, in the order they started. */
  who(conversationId: number, now: number): number[] {
    const m = this.shown.get(conversationId);
    if (!m) return [];
    const out: number[] = [];
    for (const [u, until] of m) { if (until > now) out.push(u); else m.delete(u); }
    return out;
  }

  /** Whether this client should send a `typing` frame now; records the send when it should. */
  shouldSend(conversationId: number, now: number): boolean {
    const last = this.lastSent.get(conversationId);
    if (last !== undefined && now - last < TYPING_SEND_EVERY_MS) return false;
    this.lastSent.set(conversationId, now);
    return true;
  }

  /** After sending a message: the next keystroke may announce typing again at once. */
  sent(conversationId: number): void { this.lastSent.delete(conversationId); }
}
