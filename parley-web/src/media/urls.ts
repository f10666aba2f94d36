import type { SignedUrls } from './types';

/**
 * Signed media URLs (GET /media/{id}/url), cached per media id until shortly before they expire, so that a
 * chat full of images asks once per image per hour, and concurrent asks for one id share one request.
 */
export class MediaUrlCache {
  private entries = new Map<string, { urls: SignedUrls; until: number }>();
  private inflight = new Map<string, Promise<SignedUrls>>();

  /**
   * marginMs: how long before `expiresAt` a cached URL is no longer handed out (a page may keep an element
   * loading or seeking for a while after it got the URL).
   */
  constructor(private readonly fetchUrls: (mediaId: string) => Promise<SignedUrls>,
              private readonly now: () => number = Date.now, private readonly marginMs = 5 * 60_000) {}

  /** The cached URLs if still good, else undefined (synchronous, for a first render without flicker). */
  peek(mediaId: string): SignedUrls | undefined {
    const e = this.entries.get(mediaId);
    if (!e) return undefined;
    if (this.now() >= e.until) { this.entries.delete(mediaId); return undefined; }
    return e.urls;
  }

  get(mediaId: string): Promise<SignedUrls> {
    const cached = this.peek(mediaId);
    if (cached) return Promise.resolve(cached);
    let p = this.inflight.get(mediaId);
    if (!p) {
      p = this.fetchUrls(mediaId).then(urls => {
        // A short-lived URL (shorter than twice the margin) is kept for half its life instead.
        const life = urls.expiresAt - this.now();
        const until = urls.expiresAt - Math.min(this.marginMs, Math.max(0, life / 2));
        this.entries.set(mediaId, { urls, until });
        return urls;
      }).finally(() => this.inflight.delete(mediaId));
      this.inflight.set(mediaId, p);
    }
    return p;
  }

  /** Forget an id's URLs (e.g. an element failed to load with them). */
  invalidate(mediaId: string): void { this.entries.delete(mediaId); }
}
