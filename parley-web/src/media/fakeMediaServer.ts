import type { MediaView } from './types';

/**
 * An in-memory server for the media upload endpoints (protocol.md §15), behind a fake fetch: POST creates, PATCH
 * appends at Upload-Offset (a wrong offset answers upload_offset_mismatch with the real one), GET tells the
 * offset, DELETE forgets. Tests make PATCHes fail on purpose to check resuming.
 */
export class FakeMediaServer {
  uploads = new Map<string, { size: number; chunks: Uint8Array[]; length: number; kind: string; name: string; body: Record<string, unknown> }>();
  deleted: string[] = [];
  /** Every request as "METHOD path [offset]". */
  log: string[] = [];
  patchOffsets: number[] = [];
  /** Called before a PATCH is applied; return 'network' to fail it (nothing stored), 'lose-answer' to store it and fail. */
  onPatch: (offset: number, n: number) => 'ok' | 'network' | 'lose-answer' | 'busy' = () => 'ok';
  maxBody = Infinity;
  private next = 1;

  fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const path = url.replace(/^.*\/api\/v1/, '');
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    if (init.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    const json = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });
    if (method === 'POST' && path === '/media/uploads') {
      const body = JSON.parse(String(init.body));
      const id = `up${this.next++}`;
      this.uploads.set(id, { size: body.size, chunks: [], length: 0, kind: body.kind, name: body.name, body });
      this.log.push(`POST ${path}`);
      return json(201, { uploadId: id, offset: 0, size: body.size, expiresAt: 9e12 });
    }
    const m = path.match(/^\/media\/uploads\/([^/?]+)$/);
    if (m) {
      const id = decodeURIComponent(m[1]);
      const up = this.uploads.get(id);
      if (!up) { this.log.push(`${method} ${path} 404`); return json(404, { code: 'media_not_found', message: 'no' }); }
      if (method === 'GET') { this.log.push(`GET ${path}`); return json(200, { uploadId: id, offset: up.length, size: up.size }); }
      if (method === 'DELETE') { this.log.push(`DELETE ${path}`); this.uploads.delete(id); this.deleted.push(id); return json(204, undefined); }
      if (method === 'PATCH') {
        const offset = Number(headers.get('Upload-Offset'));
        const data = new Uint8Array(await (init.body as Blob).arrayBuffer());
        this.log.push(`PATCH ${path} ${offset}`);
        this.patchOffsets.push(offset);
        if (headers.get('Content-Type') !== 'application/offset+octet-stream') return json(415, { code: 'unsupported_media_type', message: 'ct' });
        if (data.length > this.maxBody) return json(413, { code: 'frame_too_large', message: 'too big' });
        if (offset !== up.length) return json(409, { code: 'upload_offset_mismatch', message: 'offset', offset: up.length });
        const what = this.onPatch(offset, data.length);
        if (what === 'busy') return json(409, { code: 'upload_offset_mismatch', message: 'busy', offset: up.length });
        if (what === 'network') throw new TypeError('Failed to fetch');
        this.append(id, data);
        if (what === 'lose-answer') throw new TypeError('Failed to fetch');
        const done = up.length >= up.size;
        return json(200, { uploadId: id, offset: up.length, ...(done ? { media: this.view(id) } : {}) });
      }
    }
    return json(404, { code: 'not_found', message: path });
  }) as typeof fetch;

  append(uploadId: string, data: Uint8Array): void {
    const up = this.uploads.get(uploadId)!;
    up.chunks.push(data);
    up.length += data.length;
  }

  bytes(uploadId: string): Uint8Array {
    const up = this.uploads.get(uploadId)!;
    const out = new Uint8Array(up.length);
    let at = 0;
    for (const c of up.chunks) { out.set(c, at); at += c.length; }
    return out;
  }

  view(uploadId: string): MediaView {
    const up = this.uploads.get(uploadId)!;
    return { id: `m-${uploadId}`, kind: up.kind as MediaView['kind'], name: up.name, size: up.size, contentType: 'application/octet-stream', sha256: 'x', thumbnail: false, poster: false };
  }
}
