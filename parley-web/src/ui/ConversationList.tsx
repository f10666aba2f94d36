import { useState, useSyncExternalStore } from 'react';
import type { ChatClient, ConversationState } from '../protocol/client';
import type { Message } from '../protocol/types';
import { useI18n, type Lang, type T } from '../i18n';
import { GroupAvatar, PresenceAvatar, conversationTitle, shortTime } from './common';
import { ArchiveIcon, BackIcon, BellOffIcon, GroupIcon, PinIcon, SearchIcon } from './icons';
import { systemText } from './chat/systemText';
import { messageSummary } from '../media/preview';

/** The one-line preview of a conversation's latest entry. */
export function previewText(c: ConversationState, client: ChatClient, t: T, lang: Lang): string {
  const s = c.summary;
  const m: Message | null = c.lastMessage;
  const pending = client.pendingIn(s.id, s.kind === 'direct' ? s.peer?.id : undefined);
  const lastPending = pending[pending.length - 1];
  if (lastPending && (!m || lastPending.createdAt > m.sentAt)) return t('chats.you') + messageSummary(lastPending, t);
  if (!m) return '';
  const me = client.me.id;
  const who = (id: number) => (id === me ? t('sys.you') : client.users.name(id));
  if (m.kind === 'system') return systemText(m, me, id => client.users.name(id), t, lang);
  if (m.recalled || m.kind === 'recall') {
    const by = m.recalledBy ?? m.senderId;
    return by === me ? t('msg.recalledMe') : t('msg.recalled', { name: who(by) });
  }
  if (m.kind === 'reaction') return t('preview.reacted', { name: who(m.senderId), emoji: m.emoji ?? '' });
  const body = m.attachments?.length ? messageSummary(m, t) : (m.text ?? t('preview.attachment'));
  if (m.senderId === me) return t('chats.you') + body;
  return s.kind === 'group' || s.group ? `${who(m.senderId)}: ${body}` : body;
}

export function ConversationList({ client, selectedId, onOpen, onNewGroup, onSearch }: {
  client: ChatClient; selectedId: number | null; onOpen: (conversationId: number) => void;
  onNewGroup?: () => void; onSearch?: () => void;
}) {
  const { t, lang } = useI18n();
  useSyncExternalStore(client.subscribe, client.getVersion);
  const [filter, setFilter] = useState('');
  const [folder, setFolder] = useState<'main' | 'archived'>('main');
  const all = client.sortedConversations(folder);
  const archived = folder === 'main' ? client.sortedConversations('archived') : [];
  const archivedUnread = archived.reduce((n, c) => n + (c.summary.muted ? 0 : c.summary.unread), 0);
  const q = filter.trim().toLowerCase();
  const shown = q ? all.filter(c => conversationTitle(c.summary).toLowerCase().includes(q) || (c.summary.peer?.username.includes(q) ?? false)) : all;
  return (
    <section className="list-pane" aria-labelledby="chats-heading">
      <header className="pane-header">
        {folder === 'archived' && (
          <button type="button" className="icon-button" onClick={() => setFolder('main')} aria-label={t('chats.backToChats')}><BackIcon /></button>
        )}
        <h2 id="chats-heading">{folder === 'archived' ? t('chats.archived') : t('chats.title')}</h2>
        <span className="header-actions">
          {onSearch && <button type="button" className="icon-button" onClick={onSearch} aria-label={t('search.title')} title={t('search.title')}><SearchIcon /></button>}
          {onNewGroup && <button type="button" className="icon-button" onClick={onNewGroup} aria-label={t('group.create')} title={t('group.create')}><GroupIcon /></button>}
        </span>
      </header>
      <div className="search-box">
        <input type="search" value={filter} onChange={e => setFilter(e.target.value)} placeholder={t('chats.filter')} aria-label={t('chats.filter')} />
      </div>
      {folder === 'main' && archived.length > 0 && !q && (
        <button type="button" className="conv-item archived-row" onClick={() => setFolder('archived')}>
          <span className="archive-icon"><ArchiveIcon /></span>
          <span className="conv-main"><span className="conv-name">{t('chats.archivedCount', { n: archived.length })}</span></span>
          {archivedUnread > 0 && <span className="badge muted-badge" aria-hidden="true">{archivedUnread}</span>}
        </button>
      )}
      {all.length === 0 ? <p className="empty">{folder === 'archived' ? t('chats.noArchived') : t('chats.empty')}</p>
        : shown.length === 0 ? <p className="empty">{t('chats.noMatch')}</p>
        : (
          <ul className="conv-list" aria-label={folder === 'archived' ? t('chats.archived') : t('chats.title')}>
            {shown.map(c => {
              const s = c.summary;
              const name = conversationTitle(s);
              const preview = previewText(c, client, t, lang);
              const when = c.lastMessage ? c.lastMessage.sentAt : s.lastActivityAt;
              const selected = selectedId === s.id;
              const mentions = s.mentionCount ?? 0;
              const label = [name, s.unread ? t('chats.unread', { n: s.unread }) : '', mentions ? t('chats.mentions', { n: mentions }) : '',
                s.muted ? t('chats.muted') : '', s.pinned ? t('chats.pinned') : ''].filter(Boolean).join(', ');
              return (
                <li key={s.id}>
                  <button type="button" className={'conv-item' + (selected ? ' selected' : '') + (s.muted ? ' is-muted' : '')} aria-current={selected ? 'true' : undefined}
                    onClick={() => onOpen(s.id)} data-peer={s.kind === 'group' ? undefined : s.peer?.username} data-group={s.group?.name}
                    data-conversation={s.id} aria-label={label}>
                    {s.group ? <GroupAvatar id={s.group.id} name={s.group.name} size={44} />
                      : s.peer ? <PresenceAvatar user={s.peer} size={44} state={client.presence.get(s.peer.id)?.state} /> : null}
                    <span className="conv-main">
                      <span className="conv-top">
                        <span className="conv-name">{name}</span>
                        {s.pinned && <span className="conv-flag" title={t('chats.pinned')}><PinIcon /></span>}
                        {s.muted && <span className="conv-flag" title={t('chats.muted')}><BellOffIcon /></span>}
                        {when > 0 && <time className="conv-time" dateTime={new Date(when).toISOString()}>{shortTime(when, lang)}</time>}
                      </span>
                      <span className="conv-bottom">
                        <span className="conv-preview">
                          {mentions > 0 && <span className="mention-flag">{t('chats.mentioned')} </span>}
                          {s.left && <span className="left-flag">{t('chats.left')} · </span>}
                          {preview.replace(/\s+/g, ' ')}
                        </span>
                        {mentions > 0 && <span className="badge mention-badge" aria-hidden="true">@</span>}
                        {s.unread > 0 && <span className={'badge' + (s.muted ? ' muted-badge' : '')} aria-hidden="true">{s.unread > 99 ? '99+' : s.unread}</span>}
                      </span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
    </section>
  );
}
