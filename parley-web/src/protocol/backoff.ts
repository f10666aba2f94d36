/** Exponential backoff with full jitter: attempt 0 waits up to base, then doubles up to max. */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 30_000, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  // Keep at least half the window so reconnects never storm, jitter the rest.
  return Math.round(cap / 2 + random() * (cap / 2));
}
