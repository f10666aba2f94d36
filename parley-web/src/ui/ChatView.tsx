import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import type { ChatClient } from '../protocol/client';
import type { PendingSend } from '../protocol/pending';
import type { Message, UserSummary } from '../protocol/types';
import { errorText, useI18n } from '../i18n';
import { Linkified } from '../linkify';
import { BackIcon, SendIcon, SmileIcon } from './icons';
import { Avatar, EMOJIS, clockTime, dayKey, dayLabel, displayName } from './common';

const MAX_CHARS = 8000;

type Row =
  | { kind: 'msg'; key: string; m: Message; mine: boolean }
  | { kind: 'pending'; key: string; p: PendingSend };

export function ChatView({ client, peer, onBack }: { client: ChatClient; peer: UserSummary; onBack: () => void }) {
  const { t, lang } = useI18n();
  useSyncExternalStore(client.subscribe, client.getVersion);
  const conv = client.conversationWith(peer.id);
  const convId = conv?.summary.id;
  const log = convId !== undefined ? client.log(convId) : null;
  const messages = log?.messages ?? [];
  const pending = client.pendingFor(peer.id);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number; firstKey: string } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const loadingRef = useRef(false);
  const [showNew, setShowNew] = useState(false);
  const lastKey = useRef<string>('');
  const name = displayName(peer);

  useEffect(() => { client.rememberPeer(peer); }, [client, peer]);
  useEffect(() => {
    atBottom.current = true;
    setShowNew(false);
    lastKey.current = '';
    if (convId !== undefined) client.loadLatest(convId).catch(() => {});
  }, [client, convId]);

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setShowNew(false);
  }, []);

  const markReadIfSeen = useCallback(() => {
    if (convId !== undefined && atBottom.current && document.visibilityState === 'visible') client.markRead(convId);
  }, [client, convId]);

  const rows: Row[] = [
    ...messages.map(m => ({ kind: 'msg' as const, key: `m${m.seq}`, m, mine: m.senderId === client.me.id })),
    ...pending.map(p => ({ kind: 'pending' as const, key: `p${p.clientMsgId}`, p })),
  ];
  const newestKey = rows.length ? rows[rows.length - 1].key : '';
  const oldestKey = rows.length ? rows[0].key : '';
  const newestMine = rows.length ? (rows[rows.length - 1].kind === 'pending' || (rows[rows.length - 1] as { mine?: boolean }).mine) : false;

  // Keep the view still when older messages are prepended; follow new ones only when at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Only once the older page is rendered (the first row changed): keep the same content under the eyes.
    if (anchor.current && oldestKey !== anchor.current.firstKey) {
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
    }
    if (newestKey !== lastKey.current) {
      const first = lastKey.current === '';
      lastKey.current = newestKey;
      if (first || atBottom.current || newestMine) scrollToBottom();
      else setShowNew(true);
    }
  });

  useEffect(() => { markReadIfSeen(); });
  useEffect(() => {
    const onVis = () => markReadIfSeen();
    document.addEventListener('visibilitychange', onVis);
    return () => document.removeEventListener('visibilitychange', onVis);
  }, [markReadIfSeen]);

  async function loadOlder() {
    const el = scroller.current;
    if (!el || !log || convId === undefined || loadingRef.current || !log.hasOlder || !log.loaded) return;
    loadingRef.current = true;
    setLoadingOlder(true);
    try {
      anchor.current = { height: el.scrollHeight, top: el.scrollTop, firstKey: oldestKey };
      const n = await client.loadOlder(convId);
      if (n === 0) anchor.current = null;
    } catch {
      anchor.current = null;
    } finally {
      loadingRef.current = false;
      setLoadingOlder(false);
    }
  }

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    if (atBottom.current) { setShowNew(false); markReadIfSeen(); }
    if (el.scrollTop < 120) loadOlder();
  }

  let lastDay = '';
  let lastSender: number | null = null;
  return (
    <section className="chat-pane" aria-label={name}>
      <header className="pane-header chat-header">
        <button type="button" className="icon-button back" onClick={onBack} aria-label={t('chat.back')}>
          <BackIcon />
        </button>
        <Avatar user={peer} size={36} />
        <div className="chat-title">
          <h2>{name}</h2>
          <span className="muted small">@{peer.username}</span>
        </div>
      </header>
      <div className="messages" ref={scroller} onScroll={onScroll} role="log" aria-live="polite" aria-label={t('chat.messages')} tabIndex={0}>
        {log && log.loaded && !log.hasOlder && <p className="beginning">{t('chat.beginning')}</p>}
        {convId === undefined && <p className="beginning">{t('chat.beginning')}</p>}
        {rows.map(r => {
          const when = r.kind === 'msg' ? r.m.sentAt : r.p.createdAt;
          const dk = dayKey(when);
          const sep = dk !== lastDay ? <div className="day-sep" role="separator"><span>{dayLabel(when, lang, t('chat.today'), t('chat.yesterday'))}</span></div> : null;
          const sender = r.kind === 'msg' ? r.m.senderId : client.me.id;
          const first = sep !== null || sender !== lastSender;
          lastDay = dk;
          lastSender = sender;
          return (
            <Fragment key={r.key}>
              {sep}
              {r.kind === 'msg'
                ? <Bubble first={first} text={r.m.text} mine={r.mine} time={clockTime(r.m.sentAt, lang)} status={r.mine ? 'sent' : undefined} />
                : <Bubble first={first} text={r.p.text} mine time={clockTime(r.p.createdAt, lang)} status={r.p.status}
                    error={r.p.error ? errorText(t, { code: r.p.error }) : undefined}
                    onRetry={() => client.retry(r.p.clientMsgId)} onDiscard={() => client.discard(r.p.clientMsgId)} />}
            </Fragment>
          );
        })}
      </div>
      {loadingOlder && <p className="loading-older" role="status">{t('chat.loadingOlder')}</p>}
      {showNew && (
        <button type="button" className="new-messages" onClick={scrollToBottom}>{t('chat.newMessages')} ↓</button>
      )}
      <Composer onSend={text => { client.send(peer.id, text); atBottom.current = true; }} />
    </section>
  );
}

function Bubble({ first, text, mine, time, status, error, onRetry, onDiscard }: {
  first: boolean; text: string; mine: boolean; time: string; status?: 'sent' | 'pending' | 'failed'; error?: string;
  onRetry?: () => void; onDiscard?: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className={`msg ${mine ? 'mine' : 'theirs'} ${status ?? ''}${first ? ' first' : ''}`} data-status={status}>
      <div className="bubble">
        <p className="msg-text"><Linkified text={text} /></p>
        <span className="msg-meta">
          <time>{time}</time>
          {status === 'sent' && <span className="tick" aria-label={t('chat.sent')} title={t('chat.sent')}>✓</span>}
          {status === 'pending' && <span className="clock" aria-label={t('chat.pending')} title={t('chat.pending')}>◷</span>}
        </span>
      </div>
      {status === 'failed' && (
        <div className="failed-row" role="alert">
          <span>{t('chat.failed')}{error ? ` · ${error}` : ''}</span>
          <button type="button" className="link" onClick={onRetry}>{t('chat.retry')}</button>
          <button type="button" className="link" onClick={onDiscard}>{t('chat.discard')}</button>
        </div>
      )}
    </div>
  );
}

function Composer({ onSend }: { onSend: (text: string) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [emojiOpen, setEmojiOpen] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  // The limit counts code points, as the server does.
  const tooLong = text.length > MAX_CHARS && [...text].length > MAX_CHARS;
  const wrap = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!emojiOpen) return;
    const close = (e: MouseEvent) => { if (!wrap.current?.contains(e.target as Node)) setEmojiOpen(false); };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [emojiOpen]);

  useLayoutEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = Math.min(el.scrollHeight, 160) + 'px';
  }, [text]);

  function send() {
    if (!text.trim() || tooLong) return;
    onSend(text);
    setText('');
    area.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    }
  }

  function insert(emoji: string) {
    const el = area.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    setText(next);
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  return (
    <form className="composer" onSubmit={e => { e.preventDefault(); send(); }} aria-label={t('chat.composer')}>
      <div className="emoji-wrap" ref={wrap}>
        <button type="button" className="icon-button" aria-label={t('chat.emoji')} aria-expanded={emojiOpen} aria-haspopup="true"
          onClick={() => setEmojiOpen(o => !o)}>
          <SmileIcon />
        </button>
        {emojiOpen && (
          <div className="emoji-picker" role="dialog" aria-label={t('chat.emojiPicker')}
            onKeyDown={e => { if (e.key === 'Escape') { setEmojiOpen(false); area.current?.focus(); } }}>
            {EMOJIS.map((em, i) => (
              <button type="button" key={em} className="emoji" onClick={() => insert(em)} aria-label={em} autoFocus={i === 0}>{em}</button>
            ))}
          </div>
        )}
      </div>
      <textarea ref={area} rows={1} autoFocus={typeof matchMedia === 'function' && matchMedia('(pointer: fine)').matches} value={text} onChange={e => setText(e.target.value)} onKeyDown={onKeyDown}
        placeholder={t('chat.placeholder')} aria-label={t('chat.composer')} aria-describedby="composer-hint"
        aria-invalid={tooLong || undefined} />
      <span id="composer-hint" className="sr-only">{t('chat.hint')}</span>
      {tooLong && <span className="form-error small" role="alert">{t('chat.tooLong')}</span>}
      <button type="submit" className="primary send" disabled={!text.trim() || tooLong} aria-label={t('chat.send')}>
        <SendIcon />
      </button>
    </form>
  );
}
