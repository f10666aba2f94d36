import type { Message } from './types';

/**
 * Messages of one conversation as the client holds them: unique by seq (so a message seen twice, from a push and
 * from history, shows once), sorted, and aware of gaps. Holds a contiguous range [minSeq, maxSeq] plus knowledge
 * of whether older messages exist.
 */
export class MessageLog {
  private bySeq = new Map<number, Message>();
  private sorted: Message[] = [];
  /** True while older messages may exist on the server. */
  hasOlder = true;
  /** True once the latest page was loaded (the log reflects the newest messages). */
  loaded = false;

  get messages(): readonly Message[] { return this.sorted; }
  get maxSeq(): number { return this.sorted.length ? this.sorted[this.sorted.length - 1].seq : 0; }
  get minSeq(): number { return this.sorted.length ? this.sorted[0].seq : 0; }
  has(seq: number): boolean { return this.bySeq.has(seq); }

  /** Adds messages, ignoring ones already held. Returns the ones actually added. */
  add(msgs: readonly Message[]): Message[] {
    const added: Message[] = [];
    for (const m of msgs) {
      if (this.bySeq.has(m.seq)) continue;
      this.bySeq.set(m.seq, m);
      added.push(m);
    }
    if (added.length) this.sorted = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    return added;
  }

  /** Would this live message leave a hole after what we hold? (Only meaningful once loaded.) */
  gapBefore(seq: number): boolean {
    return this.loaded && seq > this.maxSeq + 1;
  }
}

/** Key for dedupe across conversations. */
export const msgKey = (conversationId: number, seq: number) => `${conversationId}:${seq}`;
