import { useState, useSyncExternalStore } from 'react';
import type { ChatClient } from '../protocol/client';
import { useI18n } from '../i18n';
import { Avatar, displayName, shortTime } from './common';

export function ConversationList({ client, selectedPeerId, onOpen }: {
  client: ChatClient; selectedPeerId: number | null; onOpen: (peerId: number) => void;
}) {
  const { t, lang } = useI18n();
  useSyncExternalStore(client.subscribe, client.getVersion);
  const [filter, setFilter] = useState('');
  const all = client.sortedConversations();
  const q = filter.trim().toLowerCase();
  const shown = q ? all.filter(c => displayName(c.summary.peer).toLowerCase().includes(q) || c.summary.peer.username.includes(q)) : all;
  return (
    <section className="list-pane" aria-labelledby="chats-heading">
      <header className="pane-header">
        <h2 id="chats-heading">{t('chats.title')}</h2>
      </header>
      <div className="search-box">
        <input type="search" value={filter} onChange={e => setFilter(e.target.value)} placeholder={t('chats.filter')} aria-label={t('chats.filter')} />
      </div>
      {all.length === 0 ? <p className="empty">{t('chats.empty')}</p>
        : shown.length === 0 ? <p className="empty">{t('chats.noMatch')}</p>
        : (
          <ul className="conv-list" aria-label={t('chats.title')}>
            {shown.map(({ summary: s, lastMessage: m }) => {
              const name = displayName(s.peer);
              const pending = client.pendingFor(s.peer.id);
              const lastPending = pending[pending.length - 1];
              const preview = lastPending && (!m || lastPending.createdAt > m.sentAt) ? t('chats.you') + lastPending.text
                : m ? (m.senderId === client.me.id ? t('chats.you') : '') + m.text : '';
              const when = m ? m.sentAt : s.lastActivityAt;
              const selected = selectedPeerId === s.peer.id;
              return (
                <li key={s.id}>
                  <button type="button" className={'conv-item' + (selected ? ' selected' : '')} aria-current={selected ? 'true' : undefined}
                    onClick={() => onOpen(s.peer.id)} data-peer={s.peer.username}
                    aria-label={`${name}${s.unread ? ', ' + t('chats.unread', { n: s.unread }) : ''}`}>
                    <Avatar user={s.peer} size={44} />
                    <span className="conv-main">
                      <span className="conv-top">
                        <span className="conv-name">{name}</span>
                        {when > 0 && <time className="conv-time" dateTime={new Date(when).toISOString()}>{shortTime(when, lang)}</time>}
                      </span>
                      <span className="conv-bottom">
                        <span className="conv-preview">{preview.replace(/\s+/g, ' ')}</span>
                        {s.unread > 0 && <span className="badge" aria-hidden="true">{s.unread > 99 ? '99+' : s.unread}</span>}
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
