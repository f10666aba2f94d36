import type { UserSummary } from '../protocol/types';
import type { Lang } from '../i18n';

/** A stable colour for a user id (golden-angle hue spread). */
export function avatarHue(id: number): number {
  return Math.round((id * 137.508) % 360);
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  const first = [...words[0]];
  // CJK names: the first character reads best; Latin names: first letters of the first two words.
  if (words.length === 1) return (/[\u3400-\u9fff]/.test(first[0]) ? first[0] : first.slice(0, 2).join('')).toUpperCase();
  return ([...words[0]][0] + [...words[1]][0]).toUpperCase();
}

export function Avatar({ user, size = 40 }: { user: Pick<UserSummary, 'id' | 'displayName' | 'username'>; size?: number }) {
  const hue = avatarHue(user.id);
  return (
    <span className="avatar" aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hue} 55% 45%)` }}>
      {initials(user.displayName || user.username)}
    </span>
  );
}

export function displayName(u: Pick<UserSummary, 'displayName' | 'username'>): string {
  return u.displayName?.trim() || u.username;
}

function sameDay(a: Date, b: Date) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Short time for lists: time today, weekday this week, else date. */
export function shortTime(ms: number, lang: Lang, now = new Date()): string {
  const d = new Date(ms);
  if (sameDay(d, now)) return d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  const days = (now.getTime() - d.getTime()) / 86_400_000;
  if (days < 6) return d.toLocaleDateString(lang, { weekday: 'short' });
  return d.toLocaleDateString(lang, { month: 'short', day: 'numeric' });
}

export function clockTime(ms: number, lang: Lang): string {
  return new Date(ms).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
}

export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function dayLabel(ms: number, lang: Lang, today: string, yesterday: string, now = new Date()): string {
  const d = new Date(ms);
  if (sameDay(d, now)) return today;
  const y = new Date(now); y.setDate(now.getDate() - 1);
  if (sameDay(d, y)) return yesterday;
  return d.toLocaleDateString(lang, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

export const EMOJIS = [
  '😀', '😃', '😄', '😁', '😆', '😅', '😂', '🤣', '😊', '😇', '🙂', '🙃', '😉', '😌', '😍', '🥰', '😘', '😗',
  '😋', '😛', '😜', '🤪', '😝', '🤗', '🤭', '🤫', '🤔', '🤐', '😐', '😑', '😶', '😏', '😒', '🙄', '😬', '😮‍💨',
  '😴', '😷', '🤒', '🤧', '🥳', '😎', '🤓', '😕', '😟', '🙁', '😮', '😲', '😳', '🥺', '😢', '😭', '😱', '😤',
  '😡', '🤯', '👍', '👎', '👌', '✌️', '🤞', '👏', '🙌', '🙏', '💪', '👋', '🤝', '❤️', '🧡', '💛', '💚', '💙',
  '💜', '🖤', '💔', '💯', '✨', '🔥', '🎉', '🎂', '🎁', '☕', '🍵', '🍻', '🍕', '🍜', '🌹', '🌸', '☀️', '🌙',
  '⭐', '🌈', '⚡', '❄️', '🐶', '🐱', '🐼', '🦊', '🚀', '✅', '❌', '❓', '❗', '💤',
];

/** The presence dot on an avatar: green online, amber away; nothing when offline or unknown. */
export function PresenceDot({ state }: { state?: string }) {
  if (state !== 'online' && state !== 'away') return null;
  return <span className={`presence-dot ${state}`} data-presence={state} aria-hidden="true" />;
}

/** An avatar with the user's presence dot. */
export function PresenceAvatar({ user, size = 40, state }: { user: Pick<UserSummary, 'id' | 'displayName' | 'username'>; size?: number; state?: string }) {
  return <span className="avatar-wrap"><Avatar user={user} size={size} /><PresenceDot state={state} /></span>;
}

/** A group's avatar: its initials on a colour of its own, rounded square. */
export function GroupAvatar({ id, name, size = 40 }: { id: number; name: string; size?: number }) {
  const hue = avatarHue(id + 7919);
  return (
    <span className="avatar group" aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.38, background: `hsl(${hue} 50% 42%)` }}>
      {initials(name)}
    </span>
  );
}

/** A conversation's title: the group name, or the peer's name. */
export function conversationTitle(s: { kind: string; peer?: Pick<UserSummary, 'displayName' | 'username'>; group?: { name: string } }): string {
  if (s.group) return s.group.name;
  return s.peer ? displayName(s.peer) : '…';
}
