import { useI18n } from '../../i18n';
import { ALL_ID, type MentionCandidate } from '../../protocol/mentions';
import { Avatar } from '../common';

/** The list of members to mention, above the composer; the parent moves the selection with the keyboard. */
export function MentionPicker({ items, active, onPick }: { items: MentionCandidate[]; active: number; onPick: (m: MentionCandidate) => void }) {
  const { t } = useI18n();
  if (!items.length) return null;
  return (
    <ul className="mention-picker" role="listbox" aria-label={t('compose.mentions')} id="mention-picker">
      {items.map((m, i) => (
        <li key={m.id} id={`mention-opt-${m.id}`} role="option" aria-selected={i === active} className={i === active ? 'active' : ''}
          onMouseDown={e => { e.preventDefault(); onPick(m); }}>
          {m.id === ALL_ID ? <span className="avatar all" aria-hidden="true">@</span> : <Avatar user={{ id: m.id, displayName: m.name, username: m.username }} size={26} />}
          <span className="mention-name">{m.name}</span>
          <span className="muted small">{m.id === ALL_ID ? t('mention.allHint') : '@' + m.username}</span>
        </li>
      ))}
    </ul>
  );
}
