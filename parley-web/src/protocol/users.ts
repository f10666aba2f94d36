import type { UserSummary } from './types';

/**
 * The profiles the client has seen (friends, peers, group members, search results), so that system entries,
 * receipts and reactions can name people by id. Unknown ids are fetched once, in the background.
 */
export class UserDirectory {
  private known = new Map<number, UserSummary>();
  private asked = new Set<number>();

  constructor(private readonly fetchUser: (id: number) => Promise<UserSummary>, private readonly changed: () => void) {}

  remember(u: UserSummary | undefined | null): void {
    if (!u) return;
    const cur = this.known.get(u.id);
    if (!cur || cur.displayName !== u.displayName || cur.username !== u.username) this.known.set(u.id, { ...cur, ...u });
  }

  get(id: number): UserSummary | undefined {
    const u = this.known.get(id);
    if (!u) this.fetch(id);
    return u;
  }

  /** The name to show for a user id; "…" until the profile arrives. */
  name(id: number): string {
    const u = this.get(id);
    return u ? (u.displayName?.trim() || u.username) : '…';
  }

  private fetch(id: number): void {
    if (this.asked.has(id) || id <= 0) return;
    this.asked.add(id);
    this.fetchUser(id).then(u => { this.remember(u); this.changed(); }, () => { this.asked.delete(id); });
  }
}
