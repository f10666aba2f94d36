import type { Lang, T } from '../../i18n';
import type { Message } from '../../protocol/types';

/** "Alice, Bob and Carol" / "Alice、Bob和Carol", by the browser's list formatting for the language. */
export function nameList(names: string[], lang: Lang): string {
  try {
    return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(lang === 'en' ? ', ' : '、');
  }
}

/**
 * The line a group system entry shows in the timeline ("Alice added Bob"). `nameOf` names a user id; the current
 * user is "You" as the actor and "you" as the object.
 */
export function systemText(e: Message, meId: number, nameOf: (id: number) => string, t: T, lang: Lang): string {
  const ev = e.system;
  const me = e.senderId === meId;
  const actor = me ? t('sys.you') : nameOf(e.senderId);
  const who = (id?: number) => (id === undefined ? '…' : id === meId ? t('sys.youObject') : nameOf(id));
  const subject = (id?: number) => (id === meId ? t('sys.you') : who(id));
  if (!ev) return t('sys.changed', { actor });
  switch (ev.event) {
    case 'created': return t('sys.created', { actor, name: ev.name ?? '' });
    case 'members_added': return t('sys.added', { actor, names: nameList((ev.userIds ?? []).map(who), lang) });
    case 'member_removed': return t(ev.banned ? 'sys.banned' : 'sys.removed', { actor, name: who(ev.userId) });
    case 'member_left': return t('sys.left', { name: subject(ev.userId) });
    case 'member_joined': return t('sys.joined', { name: subject(ev.userId) });
    case 'renamed': return t('sys.renamed', { actor, name: ev.name ?? '' });
    case 'announcement': return ev.announcement ? t('sys.announcement', { actor }) : t('sys.announcementCleared', { actor });
    case 'role_changed':
      return t(ev.role === 'admin' ? 'sys.madeAdmin' : 'sys.madeMember', { actor, name: who(ev.userId) });
    case 'owner_transferred': return t('sys.transferred', { actor, name: who(ev.userId) });
    case 'member_muted': return t('sys.muted', { actor, name: who(ev.userId) });
    case 'member_unmuted': return t('sys.unmuted', { actor, name: who(ev.userId) });
    case 'all_muted': return t('sys.allMuted', { actor });
    case 'all_unmuted': return t('sys.allUnmuted', { actor });
    case 'dissolved': return t('sys.dissolved', { actor });
    default: return t('sys.changed', { actor });
  }
}
