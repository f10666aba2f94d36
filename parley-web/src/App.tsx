import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Api } from './protocol/api';
import { ChatClient } from './protocol/client';
import type { Tokens, UserSummary } from './protocol/types';
import { I18nContext, translator, useI18n } from './i18n';
import { AuthScreen } from './ui/AuthScreen';
import { ChatView, type JumpRequest } from './ui/ChatView';
import { mentionsMe } from './protocol/conversations';
import { GroupCreate } from './ui/group/GroupCreate';
import { InviteScreen } from './ui/group/InviteScreen';
import { SearchPanel } from './ui/search/SearchPanel';
import { Contacts } from './ui/Contacts';
import { ConversationList } from './ui/ConversationList';
import { PrefsContext, usePrefsState } from './ui/Prefs';
import { Settings } from './ui/Settings';
import { Avatar, conversationTitle, displayName } from './ui/common';
import { ChatIcon, ContactsIcon, SettingsIcon } from './ui/icons';
import type { ReactNode } from 'react';
import { messageSummary } from './media/preview';
import { uploadsFor } from './media/UploadQueue';

type Boot = { state: 'loading' } | { state: 'out' } | { state: 'in'; me: UserSummary };

const api = new Api();
let bootRefresh: Promise<Tokens> | null = null;

export function App() {
  const prefs = usePrefsState();
  const i18n = useMemo(() => ({ lang: prefs.lang, t: translator(prefs.lang) }), [prefs.lang]);
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });

  useEffect(() => {
    api.onSessionLost = () => setBoot({ state: 'out' });
    // Logged in before? The HttpOnly refresh cookie answers. Only one refresh per page load.
    bootRefresh ??= api.refresh();
    bootRefresh.then(t => setBoot({ state: 'in', me: t.user }), () => setBoot({ state: 'out' }));
  }, []);

  return (
    <PrefsContext.Provider value={prefs}>
      <I18nContext.Provider value={i18n}>
        {boot.state === 'loading' ? <div className="splash" role="status">{i18n.t('auth.loading')}</div>
          : boot.state === 'out' ? <AuthScreen api={api} onLoggedIn={t => setBoot({ state: 'in', me: t.user })} />
          : <Shell me={boot.me} onMe={me => setBoot({ state: 'in', me })} onLoggedOut={() => setBoot({ state: 'out' })} />}
      </I18nContext.Provider>
    </PrefsContext.Provider>
  );
}

type View = 'chats' | 'contacts' | 'settings';
/** What the chat pane shows: a conversation by id, or a friend's direct chat that may not exist yet. */
type Open = { conversationId: number; peer?: undefined } | { peer: UserSummary; conversationId?: undefined };

/** The invite code of an address like /#/invite/<code>, or null. */
export function inviteCodeOf(hash: string): string | null {
  const m = /^#\/invite\/([^/?#]+)/.exec(hash);
  return m ? decodeURIComponent(m[1]) : null;
}

function Shell({ me, onMe, onLoggedOut }: { me: UserSummary; onMe: (u: UserSummary) => void; onLoggedOut: () => void }) {
  const { t } = useI18n();
  const client = useMemo(() => new ChatClient(api, me), [me.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useSyncExternalStore(client.subscribe, client.getVersion);
  const [view, setView] = useState<View>('chats');
  const [open, setOpen] = useState<Open | null>(null);
  const [jump, setJump] = useState<JumpRequest | null>(null);
  const [listPanel, setListPanel] = useState<'list' | 'search'>('list');
  const [creating, setCreating] = useState(false);
  const [invite, setInvite] = useState<string | null>(() => inviteCodeOf(location.hash));
  const tRef = useRef(t);
  tRef.current = t;
  const loggedOut = useRef(onLoggedOut);
  loggedOut.current = onLoggedOut;

  useEffect(() => {
    client.onRevoked = () => { api.clear(); loggedOut.current(); };
    client.onIncoming = (m, conv) => {
      if (!document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const s = conv?.summary;
      const sender = client.users.name(m.senderId);
      const title = s && mentionsMe(m, client.me.id) ? tRef.current('notify.mention', { name: sender })
        : s?.group ? tRef.current('notify.group', { name: sender, group: s.group.name })
        : tRef.current('notify.newMessage', { name: s ? conversationTitle(s) : sender });
      try {
        const n = new Notification(title, { body: messageSummary(m, tRef.current).slice(0, 140), tag: `conv-${m.conversationId}` });
        n.onclick = () => { window.focus(); setView('chats'); setOpen({ conversationId: m.conversationId }); n.close(); };
      } catch { /* some browsers only allow notifications from a service worker */ }
    };
    client.start();
    uploadsFor(client).restore(); // media messages that were uploading when the page went away
    const online = () => client.reconnectNow();
    const visibility = () => client.setPresence(document.hidden ? 'away' : 'online');
    const hash = () => setInvite(inviteCodeOf(location.hash));
    visibility();
    window.addEventListener('online', online);
    window.addEventListener('hashchange', hash);
    document.addEventListener('visibilitychange', visibility);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('hashchange', hash);
      document.removeEventListener('visibilitychange', visibility);
      client.stop();
    };
  }, [client]);

  const [incoming, setIncoming] = useState(0);
  useEffect(() => {
    let live = true;
    api.friendRequests('incoming').then(r => { if (live) setIncoming(r.filter(x => x.status === 'pending').length); }, () => {});
    return () => { live = false; };
  }, [client.contactsVersion]);

  // Presence of the people one has direct conversations with (friends get pushes after that).
  const peerIds = [...client.conversations.values()].map(c => (c.summary.kind === 'direct' ? c.summary.peer?.id : undefined))
    .filter((id): id is number => id !== undefined).sort((a, b) => a - b).join(',');
  useEffect(() => {
    if (peerIds) client.loadPresence(peerIds.split(',').map(Number)).catch(() => {});
  }, [client, peerIds, client.status]);

  const unread = client.unreadTotal();
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);

  async function logout() {
    client.stop();
    try { await api.logout(); } catch { /* gone already */ }
    onLoggedOut();
  }

  function openConversation(conversationId: number, seq?: number) {
    setView('chats');
    setOpen({ conversationId });
    setJump(seq !== undefined ? { seq, n: Date.now() } : null);
  }

  function openPeer(u: UserSummary) {
    const c = client.conversationWith(u.id);
    setOpen(c ? { conversationId: c.summary.id } : { peer: u });
    setJump(null);
    setView('chats');
  }

  function closeInvite() {
    setInvite(null);
    if (inviteCodeOf(location.hash)) history.replaceState(null, '', location.pathname + location.search);
  }

  // A direct chat opened by peer becomes the conversation once the first send created it.
  const openId = open?.conversationId ?? (open?.peer ? client.conversationWith(open.peer.id)?.summary.id : undefined);
  const nav: { v: View; label: string; icon: ReactNode }[] = [
    { v: 'chats', label: t('nav.chats'), icon: <ChatIcon /> },
    { v: 'contacts', label: t('nav.contacts'), icon: <ContactsIcon /> },
    { v: 'settings', label: t('nav.settings'), icon: <SettingsIcon /> },
  ];
  const showChat = view === 'chats' && open !== null;

  return (
    <div className={`shell view-${view}${showChat ? ' has-chat' : ''}`} data-status={client.status} data-transport={client.transportKind}>
      <a className="skip-link" href="#main">{t('nav.skip')}</a>
      <nav className="rail" aria-label={t('nav.main')}>
        <span className="rail-avatar" title={displayName(me)}><Avatar user={me} size={36} /></span>
        {nav.map(n => (
          <button key={n.v} type="button" className={'rail-item' + (view === n.v ? ' active' : '')} aria-current={view === n.v ? 'page' : undefined}
            onClick={() => setView(n.v)} aria-label={n.label + (n.v === 'chats' && unread ? ` (${unread})` : '') + (n.v === 'contacts' && incoming ? ` (${incoming})` : '')}>
            <span className="rail-icon">{n.icon}</span>
            <span className="rail-label">{n.label}</span>
            {n.v === 'chats' && unread > 0 && <span className="badge rail-badge" aria-hidden="true">{unread > 99 ? '99+' : unread}</span>}
            {n.v === 'contacts' && incoming > 0 && <span className="badge rail-badge" aria-hidden="true">{incoming}</span>}
          </button>
        ))}
      </nav>
      <main id="main" className="main">
        {client.status !== 'online' && (
          <div className={`banner ${client.status}`} role="status" aria-live="polite">
            {client.status === 'offline' ? t('status.offline') : t('status.connecting')}
          </div>
        )}
        {view === 'chats' && (
          <div className="split">
            {listPanel === 'search'
              ? <SearchPanel client={client} onClose={() => setListPanel('list')} onPick={(c, seq) => openConversation(c, seq)} />
              : <ConversationList client={client} selectedId={openId ?? null} onOpen={id => openConversation(id)}
                  onNewGroup={() => setCreating(true)} onSearch={() => setListPanel('search')} />}
            {open
              ? <ChatView key={open.peer ? `peer-${open.peer.id}` : openId} client={client} conversationId={openId} peer={open.peer}
                  jump={jump} onBack={() => setOpen(null)} onOpenConversation={openConversation} />
              : <div className="chat-empty"><span className="logo big" aria-hidden="true">P</span><p className="muted">{t('chats.pick')}</p></div>}
          </div>
        )}
        {view === 'contacts' && <Contacts client={client} onMessage={openPeer} />}
        {view === 'settings' && <Settings client={client} me={me} onMe={onMe} onLogout={logout} />}
      </main>
      {creating && <GroupCreate client={client} onClose={() => setCreating(false)} onCreated={id => { setCreating(false); openConversation(id); }} />}
      {invite && <InviteScreen client={client} code={invite} onClose={closeInvite} onJoined={id => { closeInvite(); openConversation(id); }} />}
    </div>
  );
}
