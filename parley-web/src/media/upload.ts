import type { Api } from '../protocol/api';
import { ApiError } from '../protocol/types';
import type { MediaView, PatchResult, SignedUrls, UploadCreated, UploadRequest, UploadStatus } from './types';

/**
 * Resumable uploads (protocol.md §15, offset-based like tus): POST creates an upload, PATCHes carry the next bytes at
 * `Upload-Offset`, GET tells the server's offset after a failure, DELETE cancels. The answer to the PATCH that
 * completes the upload carries the media view.
 */

/** An error from the media endpoints, with the server's `offset` when it sent one (upload_offset_mismatch). */
export class MediaError extends ApiError {
  constructor(status: number, code: string, message: string, readonly offset?: number) { super(status, code, message); }
}

export interface BytesRequest {
  url: string;
  headers: Record<string, string>;
  body: Blob;
  signal: AbortSignal;
  /** Bytes of this body handed to the network so far. */
  onProgress(sent: number): void;
}
export interface BytesResponse { status: number; text: string }
/** Sends one PATCH body; resolves with any HTTP answer, rejects (TypeError) when the network failed, AbortError on abort. */
export type SendBytes = (req: BytesRequest) => Promise<BytesResponse>;

/** XMLHttpRequest, because fetch cannot report upload progress. */
export const xhrSendBytes: SendBytes = req => new Promise((resolve, reject) => {
  const xhr = new XMLHttpRequest();
  xhr.open('PATCH', req.url);
  for (const [k, v] of Object.entries(req.headers)) xhr.setRequestHeader(k, v);
  xhr.upload.onprogress = e => req.onProgress(e.loaded);
  xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
  xhr.onerror = () => reject(new TypeError('network error'));
  xhr.ontimeout = () => reject(new TypeError('timeout'));
  xhr.onabort = () => reject(abortError());
  if (req.signal.aborted) { reject(abortError()); return; }
  req.signal.addEventListener('abort', () => xhr.abort(), { once: true });
  xhr.send(req.body);
});

/** fetch-based sender (progress only at the end of each chunk): for tests and environments without XHR. */
export function fetchSendBytes(doFetch: typeof fetch): SendBytes {
  return async req => {
    const res = await doFetch(req.url, { method: 'PATCH', headers: req.headers, body: req.body, signal: req.signal });
    const text = await res.text();
    if (res.ok) req.onProgress(req.body.size);
    return { status: res.status, text };
  };
}

/** The media REST endpoints, through the app's Api (bearer token, refresh on 401). */
export class MediaApi {
  constructor(readonly api: Api, private readonly sendBytes: SendBytes = xhrSendBytes, private readonly base = '/api/v1') {}

  create(req: UploadRequest): Promise<UploadCreated> { return this.api.request('POST', '/media/uploads', req); }
  status(uploadId: string): Promise<UploadStatus> { return this.api.request('GET', `/media/uploads/${encodeURIComponent(uploadId)}`); }
  cancel(uploadId: string): Promise<void> { return this.api.request('DELETE', `/media/uploads/${encodeURIComponent(uploadId)}`); }
  urls(mediaId: string): Promise<SignedUrls> { return this.api.request('GET', `/media/${encodeURIComponent(mediaId)}/url`); }

  async patch(uploadId: string, offset: number, chunk: Blob, onProgress: (sent: number) => void, signal: AbortSignal, retried = false): Promise<PatchResult> {
    if (this.api.stale) await this.api.refresh();
    const headers: Record<string, string> = {
      'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', Accept: 'application/json',
    };
    if (this.api.accessToken) headers.Authorization = `Bearer ${this.api.accessToken}`;
    const res = await this.sendBytes({ url: `${this.base}/media/uploads/${encodeURIComponent(uploadId)}`, headers, body: chunk, signal, onProgress });
    let body: Record<string, unknown> = {};
    try { body = res.text ? JSON.parse(res.text) : {}; } catch { /* not JSON: a proxy's page */ }
    if (res.status >= 200 && res.status < 300) return body as unknown as PatchResult;
    const code = typeof body.code === 'string' ? body.code : `http_${res.status}`;
    if (res.status === 401 && !retried && code !== 'token_revoked') {
      await this.api.refresh();
      return this.patch(uploadId, offset, chunk, onProgress, signal, true);
    }
    throw new MediaError(res.status, code, typeof body.message === 'string' ? body.message : 'Upload failed',
      typeof body.offset === 'number' ? body.offset : undefined);
  }
}

export interface UploadOptions {
  /** Bytes per PATCH (halved when the server refuses a body as too large). */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Resume this upload (after a reload) instead of creating one. */
  uploadId?: string;
  onCreated?(uploadId: string): void;
  /** Bytes the server holds (plus those of the chunk in flight), of the total. */
  onProgress?(done: number, total: number): void;
  /** Delays before retrying after network failures in a row; past the last one the upload fails (resumable later). */
  retryDelaysMs?: readonly number[];
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

export const DEFAULT_CHUNK = 2 * 1024 * 1024;
const MIN_CHUNK = 64 * 1024;
const RETRY_DELAYS = [500, 1000, 2000, 4000, 8000, 15000];
/** How long to wait for the server to finish receiving an abandoned PATCH (its body idle timeout is 60 s). */
const BUSY_WAIT_MS = 2000;
const BUSY_WAITS = 45;

/** Failures worth retrying: the network, the server being briefly unavailable, rate limits. */
export function isTransient(e: unknown): boolean {
  if (e instanceof TypeError) return true;
  if (e instanceof ApiError) return e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500 || e.code === 'network';
  return false;
}

export function isAbort(e: unknown): boolean {
  return (e as { name?: string })?.name === 'AbortError';
}

/**
 * Uploads `file` and resolves with its media view. Network failures resume from the server's offset (GET), a
 * wrong offset continues from the offset the server names, an abort rejects with AbortError (the caller then
 * DELETEs the upload). Any other refusal (too large, type not allowed, quota) rejects with the server's code.
 */
export async function uploadResumable(media: MediaApi, file: Blob, req: UploadRequest, opts: UploadOptions = {}): Promise<MediaView> {
  const signal = opts.signal ?? new AbortController().signal;
  const sleep = opts.sleep ?? abortableSleep;
  const delays = opts.retryDelaysMs ?? RETRY_DELAYS;
  const size = file.size;
  let chunk = Math.max(MIN_CHUNK, opts.chunkSize ?? DEFAULT_CHUNK);
  let failures = 0;
  let busyWaits = 0;
  let uploadId = opts.uploadId;
  let offset = 0;
  let needStatus = !!uploadId;
  const progress = (n: number) => opts.onProgress?.(Math.min(n, size), size);

  /** Counts a transient failure and waits, or rethrows once the retries are used up. */
  const failed = async (e: unknown) => {
    if (isAbort(e) || !isTransient(e) || failures >= delays.length) throw e;
    await sleep(delays[failures++], signal);
  };

  if (!uploadId) {
    for (;;) {
      throwIfAborted(signal);
      try {
        const created = await media.create(req);
        uploadId = created.uploadId;
        offset = created.offset ?? 0;
        break;
      } catch (e) { await failed(e); }
    }
    opts.onCreated?.(uploadId);
  }
  progress(offset);

  for (;;) {
    throwIfAborted(signal);
    if (needStatus) {
      try {
        const s = await media.status(uploadId);
        if (s.media) { progress(size); return s.media; }
        offset = s.offset;
        needStatus = false;
        progress(offset);
      } catch (e) { await failed(e); continue; }
    }
    const end = Math.min(size, offset + chunk);
    const start = offset;
    try {
      // offset == size without a media view: the answer of the completing PATCH was lost; an empty PATCH at the
      // end asks again.
      const r = await media.patch(uploadId, start, file.slice(start, end), sent => progress(start + sent), signal);
      failures = 0;
      busyWaits = 0;
      if (r.media) { progress(size); return r.media; }
      if (r.offset >= size && start >= size) throw new MediaError(409, 'upload_incomplete', 'The server did not finish the upload');
      offset = r.offset;
      progress(offset);
    } catch (e) {
      if (e instanceof MediaError && e.code === 'upload_offset_mismatch') {
        // The server holds other bytes than we thought (an earlier answer was lost): go on from its offset.
        if (typeof e.offset === 'number' && e.offset !== start) { offset = e.offset; progress(offset); continue; }
        // Same offset: the server is still receiving an earlier PATCH of this upload (a connection that broke on
        // our side may stay open on its side until its idle timeout). Wait for it rather than give up.
        if (typeof e.offset === 'number' && busyWaits < BUSY_WAITS) { busyWaits++; await sleep(BUSY_WAIT_MS, signal); continue; }
        needStatus = true;
        await failed(new ApiError(0, 'network', 'offset mismatch'));
        continue;
      }
      if (e instanceof MediaError && e.status === 413 && e.code === 'frame_too_large' && chunk > MIN_CHUNK) {
        chunk = Math.max(MIN_CHUNK, Math.floor(chunk / 2));
        continue;
      }
      await failed(e);
      needStatus = true;
    }
  }
}

export function abortError(): Error {
  return typeof DOMException === 'function' ? new DOMException('Aborted', 'AbortError') : Object.assign(new Error('Aborted'), { name: 'AbortError' });
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortError();
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError()); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(abortError()); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
