import { useI18n } from '../../i18n';
import type { Message } from '../../protocol/types';
import { nameList } from './systemText';
import { useChat } from './ChatContext';

/** Reaction chips under a message: emoji and count, who reacted in the tooltip; clicking adds or takes back one's own. */
export function ReactionBar({ m }: { m: Message }) {
  const { t, lang } = useI18n();
  const { client, readOnly, error } = useChat();
  const me = client.me.id;
  return (
    <div className="reactions" role="group" aria-label={t('msg.reactions')}>
      {(m.reactions ?? []).map(r => {
        const mine = r.userIds.includes(me);
        const names = nameList(r.userIds.map(u => (u === me ? t('sys.you') : client.users.name(u))), lang);
        const label = t('msg.reactedBy', { names, emoji: r.emoji });
        return (
          <button key={r.emoji} type="button" className={'reaction' + (mine ? ' mine' : '')} aria-pressed={mine} title={label}
            aria-label={label} data-emoji={r.emoji} disabled={readOnly}
            onClick={() => client.react(m, r.emoji, mine).catch(error)}>
            <span className="reaction-emoji">{r.emoji}</span><span className="reaction-count">{r.userIds.length}</span>
          </button>
        );
      })}
    </div>
  );
}
