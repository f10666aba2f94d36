import { applyChange, isChange, refreshQuote } from './entries';
import type { Message } from './types';

/**
 * The entries of one conversation as the client holds them: unique by seq (an entry seen twice, from a push and
 * from history, counts once), shown ones sorted, and aware of gaps. Holds a contiguous range [minSeq, maxSeq] of
 * entries. Change entries (edit, recall, reaction) are applied to the messages held, never kept as rows.
 *
 * A message from a history page shows its state as of the page's `lastSeq`; one from a push, as of its own seq.
 * A change entry is applied only to a message whose state is older than the change, so replaying a change the
 * page already reflected (an add then remove of a reaction, say) cannot undo a later one.
 */
export class MessageLog {
  private bySeq = new Map<number, Message>();
  private byId = new Map<number, Message>();
  private stateSeq = new Map<number, number>();
  private seen = new Set<number>();
  private sorted: Message[] = [];
  private lo = 0;
  private hi = 0;
  /** True while older entries may exist on the server. */
  hasOlder = true;
  /** True when the log was re-centred on an older message (a jump) and newer entries exist past maxSeq. */
  hasNewer = false;
  /** True once a page was loaded (the latest, or one around a jump target). */
  loaded = false;

  /** The entries shown in the timeline: messages (current state) and system entries, by seq. */
  get messages(): readonly Message[] { return this.sorted; }
  /** The highest seq held (of any entry kind). */
  get maxSeq(): number { return this.hi; }
  /** The lowest seq held (of any entry kind). */
  get minSeq(): number { return this.lo; }
  has(seq: number): boolean { return this.seen.has(seq); }
  get(seq: number): Message | undefined { return this.bySeq.get(seq); }
  byMessageId(id: number): Message | undefined { return this.byId.get(id); }

  /**
   * Adds entries, ignoring ones already held; applies change entries to the messages held. `asOf`: the seq up to
   * which the given messages' state is current (a history page's lastSeq); default: each one's own seq.
   * Returns the new shown entries.
   */
  add(entries: readonly Message[], asOf = 0): Message[] {
    const added: Message[] = [];
    const changes: Message[] = [];
    let touched = false;
    for (const e of entries) {
      if (this.seen.has(e.seq)) continue;
      this.seen.add(e.seq);
      this.lo = this.lo === 0 ? e.seq : Math.min(this.lo, e.seq);
      this.hi = Math.max(this.hi, e.seq);
      if (isChange(e)) { changes.push(e); continue; }
      this.bySeq.set(e.seq, e);
      this.byId.set(e.id, e);
      this.stateSeq.set(e.seq, Math.max(asOf, e.seq));
      added.push(e);
    }
    changes.sort((a, b) => a.seq - b.seq);
    for (const c of changes) touched = this.apply(c) || touched;
    if (added.length || touched) this.sorted = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    return added;
  }

  private apply(c: Message): boolean {
    const target = c.targetId !== undefined ? this.byId.get(c.targetId) : undefined;
    if (!target || (this.stateSeq.get(target.seq) ?? 0) >= c.seq) return false;
    const next = applyChange(target, c);
    this.stateSeq.set(target.seq, c.seq);
    if (next === target) return false;
    this.put(next);
    // Replies quoting it show the new text, or that it was recalled.
    if (c.kind !== 'reaction') {
      for (const m of this.bySeq.values()) if (m.replyTo?.id === next.id) this.put(refreshQuote(m, next));
    }
    return true;
  }

  private put(m: Message): void {
    this.bySeq.set(m.seq, m);
    this.byId.set(m.id, m);
  }

  /** Forgets everything (a jump far back, a "delete for me"). */
  reset(): void {
    this.bySeq.clear(); this.byId.clear(); this.stateSeq.clear(); this.seen.clear();
    this.sorted = []; this.lo = 0; this.hi = 0;
    this.hasOlder = true; this.hasNewer = false; this.loaded = false;
  }

  /** Drops what lies at or below a seq ("delete for me" up to there). */
  dropThrough(seq: number): void {
    for (const s of [...this.bySeq.keys()]) if (s <= seq) { const m = this.bySeq.get(s)!; this.bySeq.delete(s); this.byId.delete(m.id); }
    this.sorted = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    this.hasOlder = false;
  }

  /** Would this live entry leave a hole after what we hold? (Only meaningful once loaded.) */
  gapBefore(seq: number): boolean {
    return this.loaded && seq > this.maxSeq + 1;
  }
}

/** Key for dedupe across conversations. */
export const msgKey = (conversationId: number, seq: number) => `${conversationId}:${seq}`;

