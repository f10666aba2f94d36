import type { Api } from './api';
import type { Frame } from './types';

/** One connection to the gateway, WebSocket or long-poll; the client above does not care which. */
export interface Transport {
  readonly kind: 'websocket' | 'longpoll';
  /** Sends one client frame. Returns false when it could not be handed over. */
  send(frame: Frame): boolean;
  close(): void;
}

export interface TransportEvents {
  onOpen(): void;
  onFrame(frame: Frame): void;
  /** code: the close code (4401, 4403, ...); opened: whether the connection ever opened. */
  onClose(code: number, opened: boolean): void;
}

export function wsUrl(loc: { protocol: string; host: string }, token: string): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws?access_token=${encodeURIComponent(token)}`;
}

export function openWebSocket(url: string, ev: TransportEvents, WS: typeof WebSocket = WebSocket): Transport {
  let opened = false;
  let closed = false;
  const ws = new WS(url);
  ws.onopen = () => { opened = true; ev.onOpen(); };
  ws.onmessage = (m) => {
    if (typeof m.data !== 'string') return;
    try { ev.onFrame(JSON.parse(m.data)); } catch { /* not JSON: ignore */ }
  };
  ws.onclose = (c) => { if (!closed) { closed = true; ev.onClose(c.code, opened); } };
  ws.onerror = () => { /* onclose follows */ };
  return {
    kind: 'websocket',
    send(frame) {
      if (ws.readyState !== 1) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    close() {
      if (closed) return;
      closed = true;
      try { ws.close(1000); } catch { /* already closing */ }
    },
  };
}

/** The long-poll fallback: POST /longpoll opens, GET /longpoll/{id}?ack=n waits for frames, POST .../frames sends. */
export function openLongPoll(api: Api, ev: TransportEvents): Transport {
  let closed = false;
  let opened = false;
  let pollId: string | null = null;
  let ack = 0;
  const ctrl = new AbortController();
  const finish = (code: number) => {
    if (closed) return;
    closed = true;
    ctrl.abort();
    ev.onClose(code, opened);
  };
  const codeOf = (e: unknown) => {
    const st = (e as { status?: number }).status;
    const code = (e as { code?: string }).code;
    if (st === 401) return code === 'token_revoked' ? 4403 : 4401;
    return 1006;
  };
  (async () => {
    try {
      const o = await api.request<{ pollId: string }>('POST', '/longpoll');
      pollId = o.pollId;
      opened = true;
      ev.onOpen();
      while (!closed) {
        const b = await api.request<{ frames: { n: number; frame: Frame }[]; closed: boolean; closeCode?: number }>(
          'GET', `/longpoll/${encodeURIComponent(pollId)}?ack=${ack}`);
        if (closed) return;
        for (const f of b.frames) {
          if (f.n <= ack) continue;
          ack = f.n;
          ev.onFrame(f.frame);
        }
        if (b.closed) { finish(b.closeCode ?? 1000); return; }
      }
    } catch (e) {
      finish(codeOf(e));
    }
  })();
  return {
    kind: 'longpoll',
    send(frame) {
      if (closed || !pollId) return false;
      const id = pollId;
      api.request<Frame>('POST', `/longpoll/${encodeURIComponent(id)}/frames`, frame)
        .then(reply => { if (!closed) ev.onFrame(reply); })
        .catch(e => finish(codeOf(e)));
      return true;
    },
    close() {
      if (closed) return;
      const id = pollId;
      closed = true;
      ctrl.abort();
      if (id) api.request('DELETE', `/longpoll/${encodeURIComponent(id)}`).catch(() => {});
    },
  };
}
