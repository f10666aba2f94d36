import { useI18n, type T } from '../../i18n';
import type { PresenceView, UserSummary } from '../../protocol/types';
import { Avatar, GroupAvatar, PresenceDot, displayName, shortTime } from '../common';
import { BackIcon, InfoIcon, SearchIcon } from '../icons';
import type { Lang } from '../../i18n';
import type { ConversationSummary } from '../../protocol/types';

/** "online", "away", "last seen …", or nothing when the peer hides it. */
export function presenceText(p: PresenceView | undefined, t: T, lang: Lang): string | null {
  if (!p) return null;
  if (p.state === 'online') return t('presence.online');
  if (p.state === 'away') return t('presence.away');
  return p.lastSeenAt ? t('presence.lastSeen', { time: shortTime(p.lastSeenAt, lang) }) : null;
}

/** The top of an open conversation: who or which group, presence or member count, and the search/info buttons. */
export function ChatHeader({ summary, peer, presence, typing, onBack, onSearch, onInfo }: {
  summary: ConversationSummary | undefined; peer: UserSummary | undefined; presence: PresenceView | undefined; typing: string | null;
  onBack: () => void; onSearch: (() => void) | null; onInfo: (() => void) | null;
}) {
  const { t, lang } = useI18n();
  const group = summary?.group;
  const name = group ? group.name : peer ? displayName(peer) : '…';
  const sub = typing ?? (group ? t('chat.members', { n: group.memberCount })
    : presenceText(presence, t, lang) ?? (peer ? '@' + peer.username : ''));
  return (
    <header className="pane-header chat-header">
      <button type="button" className="icon-button back" onClick={onBack} aria-label={t('chat.back')}>
        <BackIcon />
      </button>
      {group ? <GroupAvatar id={group.id} name={group.name} size={36} />
        : peer ? <span className="avatar-wrap"><Avatar user={peer} size={36} /><PresenceDot state={presence?.state} /></span> : null}
      <div className="chat-title">
        <h2>{name}</h2>
        <span className={'muted small chat-sub' + (typing ? ' typing-sub' : '')} data-presence={presence?.state}>{sub}</span>
      </div>
      <span className="header-actions">
        {onSearch && <button type="button" className="icon-button" onClick={onSearch} aria-label={t('chat.search')} title={t('chat.search')}><SearchIcon /></button>}
        {onInfo && <button type="button" className="icon-button" onClick={onInfo} aria-label={t('chat.info')} title={t('chat.info')}><InfoIcon /></button>}
      </span>
    </header>
  );
}
