import { useEffect, useState } from 'react';
import type { Api } from '../protocol/api';
import { MediaApi } from './upload';
import { MediaUrlCache } from './urls';
import type { SignedUrls } from './types';

const caches = new WeakMap<Api, MediaUrlCache>();

export function urlCacheFor(api: Api): MediaUrlCache {
  let c = caches.get(api);
  if (!c) {
    const media = new MediaApi(api);
    c = new MediaUrlCache(id => media.urls(id));
    caches.set(api, c);
  }
  return c;
}

export type UrlState = { urls?: SignedUrls; error?: unknown };

/** Signed URLs of a medium; `reload` drops the cached ones (an element failed to load them, e.g. expired). */
export function useMediaUrls(api: Api, mediaId: string): UrlState & { reload: () => void } {
  const cache = urlCacheFor(api);
  const [state, setState] = useState<UrlState>(() => ({ urls: cache.peek(mediaId) }));
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    cache.get(mediaId).then(urls => { if (live) setState({ urls }); }, error => { if (live) setState({ error }); });
    return () => { live = false; };
  }, [cache, mediaId, attempt]);
  return { ...state, reload: () => { cache.invalidate(mediaId); setAttempt(a => a + 1); } };
}
