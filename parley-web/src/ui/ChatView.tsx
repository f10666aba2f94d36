import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ChatClient } from '../protocol/client';
import type { PendingSend } from '../protocol/pending';
import type { Message, UserSummary } from '../protocol/types';
import { errorText, useI18n } from '../i18n';
import { dayKey, dayLabel, displayName } from './common';
import { ChatContext, type ChatCtx } from './chat/ChatContext';
import { ChatHeader } from './chat/ChatHeader';
import { Composer } from './chat/Composer';
import { ForwardDialog } from './chat/ForwardDialog';
import { MessageBubble } from './chat/MessageBubble';
import { SystemLine } from './chat/SystemLine';
import { TypingIndicator } from './chat/TypingIndicator';
import { GroupInfo } from './group/GroupInfo';
import { SearchPanel } from './search/SearchPanel';
import { DraftTray } from '../media/DraftTray';
import { useFileDrop } from '../media/DropZone';
import { OutgoingMediaBubbles } from '../media/OutgoingMedia';
import { uploadsFor, type ChatTarget } from '../media/UploadQueue';

type Row =
  | { kind: 'msg'; key: string; m: Message; mine: boolean }
  | { kind: 'pending'; key: string; p: PendingSend };

/** A request to show one entry (a search hit): n changes each time, so the same seq can be asked for twice. */
export interface JumpRequest { seq: number; n: number }

/**
 * An open conversation: a direct one (by peer; it may not exist before the first send) or any by id. Timeline of
 * messages and system entries, typing, composer, and the info and search side panels.
 */
export function ChatView({ client, peer: peerArg, conversationId: idArg, onBack, jump, onOpenConversation }: {
  client: ChatClient; peer?: UserSummary; conversationId?: number; onBack: () => void; jump?: JumpRequest | null;
  onOpenConversation?: (conversationId: number, seq?: number) => void;
}) {
  const { t, lang } = useI18n();
  useSyncExternalStore(client.subscribe, client.getVersion);
  const conv = idArg !== undefined ? client.conversations.get(idArg) : peerArg ? client.conversationWith(peerArg.id) : undefined;
  const summary = conv?.summary;
  const convId = summary?.id ?? idArg;
  const group = summary?.group;
  const isGroup = summary?.kind === 'group' || group !== undefined;
  const peer = isGroup ? undefined : (summary?.peer ?? peerArg);
  const log = convId !== undefined ? client.log(convId) : null;
  const messages = log?.messages ?? [];
  const pending = client.pendingIn(convId, peer?.id);
  const uploads = uploadsFor(client);
  useSyncExternalStore(uploads.subscribe, uploads.getVersion);
  const target: ChatTarget = peer ? { peerId: peer.id, conversationId: convId } : { conversationId: convId };
  const outgoing = uploads.outgoingFor(target);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ height: number; top: number; firstKey: string } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const loadingRef = useRef(false);
  const [showNew, setShowNew] = useState(false);
  const lastKey = useRef<string>('');
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [editing, setEditing] = useState<Message | null>(null);
  const [forwarding, setForwarding] = useState<Message | null>(null);
  const [panel, setPanel] = useState<'none' | 'info' | 'search'>('none');
  const [notice, setNotice] = useState<string | null>(null);
  const [flash, setFlash] = useState<number | null>(null);
  const pendingJump = useRef<number | null>(null);
  const name = group ? group.name : peer ? displayName(peer) : '';
  const now = Date.now();
  const role = group?.role;
  const canModerate = isGroup && (role === 'owner' || role === 'admin');
  const left = summary?.left === true;
  const disabledReason = left ? t('compose.left')
    : group?.mutedUntil && group.mutedUntil > now ? t('compose.muted', { time: new Date(group.mutedUntil).toLocaleString(lang) })
    : group?.allMuted && !canModerate ? t('compose.allMuted') : null;

  useEffect(() => { if (peer) client.rememberPeer(peer); }, [client, peer]);
  useEffect(() => { if (peer) client.loadPresence([peer.id]).catch(() => {}); }, [client, peer?.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    atBottom.current = true;
    setShowNew(false);
    lastKey.current = '';
    setReplyTo(null);
    setEditing(null);
    setPanel('none');
    if (convId !== undefined) client.loadLatest(convId).catch(() => {});
  }, [client, convId]);

  // Read counts of one's latest group messages: pushes keep them current, this gives the starting point.
  const ownRecent = isGroup && log?.loaded ? messages.filter(m => m.senderId === client.me.id && m.kind !== 'system' && !m.recalled).slice(-3) : [];
  const loaded = log?.loaded === true;
  useEffect(() => {
    for (const m of ownRecent) client.loadReaders(m).catch(() => {});
  }, [client, convId, loaded]); // eslint-disable-line react-hooks/exhaustive-deps

  const error = useCallback((e: unknown) => setNotice(errorText(t, e)), [t]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setShowNew(false);
  }, []);

  const markReadIfSeen = useCallback(() => {
    if (convId !== undefined && atBottom.current && !log?.hasNewer && document.visibilityState === 'visible') client.markRead(convId);
  }, [client, convId, log]);

  /** Shows the entry at seq: loads the page around it if needed, scrolls it into the middle, and flashes it. */
  const jumpTo = useCallback((seq: number) => {
    if (convId === undefined) return;
    pendingJump.current = seq;
    client.loadAround(convId, seq).then(() => {
      const el = document.getElementById(`msg-${seq}`);
      if (el) { el.scrollIntoView({ block: 'center' }); pendingJump.current = null; }
      setFlash(seq);
      setTimeout(() => setFlash(f => (f === seq ? null : f)), 2200);
      if (!client.log(convId).has(seq)) setNotice(t('msg.jumpFailed'));
    }, e => { pendingJump.current = null; error(e); });
  }, [client, convId, error, t]);

  useEffect(() => { if (jump && convId !== undefined) jumpTo(jump.seq); }, [jump, convId]); // eslint-disable-line react-hooks/exhaustive-deps

  const rows: Row[] = [
    ...messages.map(m => ({ kind: 'msg' as const, key: `m${m.seq}`, m, mine: m.senderId === client.me.id })),
    ...(log?.hasNewer ? [] : pending.map(p => ({ kind: 'pending' as const, key: `p${p.clientMsgId}`, p }))),
  ];
  const newestKey = outgoing.length ? `o${outgoing[outgoing.length - 1].clientMsgId}` : rows.length ? rows[rows.length - 1].key : '';
  const oldestKey = rows.length ? rows[0].key : '';
  const newestMine = outgoing.length ? true : rows.length ? (rows[rows.length - 1].kind === 'pending' || (rows[rows.length - 1] as { mine?: boolean }).mine) : false;

  // Keep the view still when older messages are prepended; follow new ones only when at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (pendingJump.current !== null) {
      const target = document.getElementById(`msg-${pendingJump.current}`);
      if (target) { target.scrollIntoView({ block: 'center' }); pendingJump.current = null; }
      lastKey.current = newestKey;
      anchor.current = null;
      atBottom.current = false;
      return;
    }
    // Only once the older page is rendered (the first row changed): keep the same content under the eyes.
    if (anchor.current && oldestKey !== anchor.current.firstKey) {
      el.scrollTop = anchor.current.top + (el.scrollHeight - anchor.current.height);
      anchor.current = null;
    }
    if (newestKey !== lastKey.current) {
      const first = lastKey.current === '';
      lastKey.current = newestKey;
      if (log?.hasNewer) return;
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

  async function loadNewer() {
    if (!log || convId === undefined || loadingRef.current || !log.hasNewer) return;
    loadingRef.current = true;
    try { await client.loadNewer(convId); } catch { /* offline: scrolling again retries */ } finally { loadingRef.current = false; }
  }

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    atBottom.current = nearBottom && !log?.hasNewer;
    if (atBottom.current) { setShowNew(false); markReadIfSeen(); }
    if (nearBottom && log?.hasNewer) loadNewer();
    if (el.scrollTop < 120) loadOlder();
  }

  function toLatest() {
    if (convId !== undefined && log?.hasNewer) {
      client.backToLatest(convId).then(() => { lastKey.current = ''; }, error);
    } else {
      scrollToBottom();
    }
  }

  const members = isGroup && convId !== undefined ? client.membersOf(convId) : null;
  const candidates = useMemo(() => members?.map(m => ({ id: m.user.id, name: displayName(m.user), username: m.user.username })) ?? null, [members]);
  const typingIds = convId !== undefined ? client.typingIn(convId) : [];
  const typingNames = typingIds.map(id => client.users.name(id));
  const typingLine = typingNames.length === 1 ? t('typing.one', { name: typingNames[0] })
    : typingNames.length > 1 ? t('typing.many') : null;

  const ctx: ChatCtx = {
    client, summary, isGroup, canModerate, readOnly: disabledReason !== null,
    reply: m => { setEditing(null); setReplyTo(m); },
    edit: m => { setReplyTo(null); setEditing(m); },
    forward: m => setForwarding(m),
    jumpTo, error,
  };

  function onSend(text: string, found: { mentions: number[]; mentionsAll: boolean }) {
    if (editing) {
      const m = editing;
      setEditing(null);
      if (text !== m.text) client.edit(m, text).catch(error);
      return;
    }
    const extras = { replyTo: replyTo ?? undefined, mentions: found.mentions, mentionsAll: found.mentionsAll };
    if (uploads.draftsFor(target).length) uploads.send(target, text); // a media message; the text is its caption
    else if (convId !== undefined) client.sendIn(convId, text, extras);
    else if (peer) client.send(peer.id, text, extras);
    setReplyTo(null);
    atBottom.current = true;
  }

  const drop = useFileDrop(files => { if (!disabledReason) uploads.addFiles(target, files); });
  let lastDay = '';
  let lastSender: number | null = null;
  const replyName = replyTo ? (replyTo.senderId === client.me.id ? t('sys.you') : client.users.name(replyTo.senderId)) : '';
  return (
    <ChatContext.Provider value={ctx}>
      <section className={'chat-pane' + (panel !== 'none' ? ' with-panel' : '')} aria-label={name} data-conversation={convId}>
        <div className="chat-main" {...drop.props}>
          {drop.overlay}
          <ChatHeader summary={summary} peer={peer} presence={peer ? client.presence.get(peer.id) : undefined} typing={typingLine}
            onBack={onBack} onSearch={convId !== undefined ? () => setPanel(p => (p === 'search' ? 'none' : 'search')) : null}
            onInfo={convId !== undefined ? () => setPanel(p => (p === 'info' ? 'none' : 'info')) : null} />
          {group?.announcement && !left && (
            <button type="button" className="announcement" onClick={() => setPanel('info')} title={group.announcement}>
              <span aria-hidden="true">📢</span><span className="sr-only">{t('info.announcement')}: </span>
              <span className="announcement-text">{group.announcement}</span>
            </button>
          )}
          <div className="messages" ref={scroller} onScroll={onScroll} role="log" aria-live="polite" aria-label={t('chat.messages')} tabIndex={0}>
            {log && log.loaded && !log.hasOlder && <p className="beginning">{isGroup ? t('chat.groupBeginning') : t('chat.beginning')}</p>}
            {convId === undefined && <p className="beginning">{t('chat.beginning')}</p>}
            {rows.map(r => {
              const when = r.kind === 'msg' ? r.m.sentAt : r.p.createdAt;
              const dk = dayKey(when);
              const sep = dk !== lastDay ? <div className="day-sep" role="separator"><span>{dayLabel(when, lang, t('chat.today'), t('chat.yesterday'))}</span></div> : null;
              const sys = r.kind === 'msg' && (r.m.kind === 'system' || r.m.recalled);
              const sender = r.kind === 'msg' ? (sys ? -1 : r.m.senderId) : client.me.id;
              const first = sep !== null || sender !== lastSender;
              lastDay = dk;
              lastSender = sender;
              return (
                <Fragment key={r.key}>
                  {sep}
                  {r.kind === 'msg' && r.m.kind === 'system'
                    ? <SystemLine e={r.m} />
                    : r.kind === 'msg'
                      ? <MessageBubble m={r.m} first={first} flash={flash === r.m.seq}
                          senderName={isGroup && !r.mine ? client.users.name(r.m.senderId) : undefined} />
                      : <MessageBubble pending={r.p} first={first} />}
                </Fragment>
              );
            })}
            {!log?.hasNewer && <OutgoingMediaBubbles queue={uploads} to={target} />}
          </div>
          {loadingOlder && <p className="loading-older" role="status">{t('chat.loadingOlder')}</p>}
          {(showNew || log?.hasNewer) && (
            <button type="button" className="new-messages" onClick={toLatest}>{log?.hasNewer ? t('chat.jumpLatest') : t('chat.newMessages')} ↓</button>
          )}
          {notice && <p className="chat-notice" role="alert">{notice}</p>}
          <TypingIndicator names={typingNames} />
          {!disabledReason && <DraftTray queue={uploads} to={target} />}
          <Composer key={peer ? `p${peer.id}` : convId ?? 'new'} onSend={onSend} onTyping={() => { if (convId !== undefined) client.notifyTyping(convId); }}
            replyTo={replyTo ? { m: replyTo, name: replyName } : null} editing={editing}
            onCancel={() => { setReplyTo(null); setEditing(null); }}
            members={candidates} meId={client.me.id} canMentionAll={canModerate} disabledReason={disabledReason}
            hasDrafts={uploads.draftsFor(target).length > 0} onFiles={files => uploads.addFiles(target, files)}
            onVoice={(blob, ms, wave) => { uploads.sendVoice(target, blob, ms, wave); atBottom.current = true; }} />
        </div>
        {panel === 'info' && convId !== undefined && (
          <GroupInfo client={client} conversationId={convId} onClose={() => setPanel('none')} onLeft={onBack} />
        )}
        {panel === 'search' && convId !== undefined && (
          <SearchPanel client={client} conversationId={convId} scopeName={name} onClose={() => setPanel('none')}
            onPick={(_c, seq) => jumpTo(seq)} />
        )}
        {forwarding && (
          <ForwardDialog client={client} message={forwarding} onClose={() => setForwarding(null)}
            onDone={() => { setForwarding(null); setNotice(t('forward.done')); }} />
        )}
      </section>
    </ChatContext.Provider>
  );
}
