/**
 * Receipts of one conversation as far as this client knows them: each other member's read and delivered cursor.
 * Cursors only move forward. Exact from `receipt` pushes; lower bounds from a readers list (someone who read a
 * message at seq s has read up to at least s). Direct conversations start from the summary's peer cursors.
 */
export class Receipts {
  private read = new Map<number, number>();
  private delivered = new Map<number, number>();

  note(userId: number, readSeq = 0, deliveredSeq = 0): boolean {
    const r = Math.max(this.read.get(userId) ?? 0, readSeq);
    // Read implies delivered.
    const d = Math.max(this.delivered.get(userId) ?? 0, deliveredSeq, r);
    const changed = r !== (this.read.get(userId) ?? 0) || d !== (this.delivered.get(userId) ?? 0);
    this.read.set(userId, r);
    this.delivered.set(userId, d);
    return changed;
  }

  readSeqOf(userId: number): number { return this.read.get(userId) ?? 0; }
  deliveredSeqOf(userId: number): number { return this.delivered.get(userId) ?? 0; }

  /** How many members other than the sender are known to have read the entry at seq. */
  readCount(seq: number, senderId: number): number {
    let n = 0;
    for (const [u, r] of this.read) if (u !== senderId && r >= seq) n++;
    return n;
  }
}

export type Tick = 'read' | 'delivered' | 'sent';

/** The mark of one's own message in a direct conversation, from the peer's cursors. */
export function directTick(seq: number, peerReadSeq = 0, peerDeliveredSeq = 0): Tick {
  if (peerReadSeq >= seq) return 'read';
  if (Math.max(peerDeliveredSeq, peerReadSeq) >= seq) return 'delivered';
  return 'sent';
}
