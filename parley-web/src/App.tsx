import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Api } from './protocol/api';
import { ChatClient } from './protocol/client';
import type { Tokens, UserSummary } from './protocol/types';
import { I18nContext, translator, useI18n } from './i18n';
import { AuthScreen } from './ui/AuthScreen';
import { ChatView } from './ui/ChatView';
import { Contacts } from './ui/Contacts';
import { ConversationList } from './ui/ConversationList';
import { PrefsContext, usePrefsState } from './ui/Prefs';
import { Settings } from './ui/Settings';
import { Avatar, displayName } from './ui/common';
import { ChatIcon, ContactsIcon, SettingsIcon } from './ui/icons';
import type { ReactNode } from 'react';

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

function Shell({ me, onMe, onLoggedOut }: { me: UserSummary; onMe: (u: UserSummary) => void; onLoggedOut: () => void }) {
  const { t } = useI18n();
  const client = useMemo(() => new ChatClient(api, me), [me.id]); // eslint-disable-line react-hooks/exhaustive-deps
  useSyncExternalStore(client.subscribe, client.getVersion);
  const [view, setView] = useState<View>('chats');
  const [peer, setPeer] = useState<UserSummary | null>(null);
  const tRef = useRef(t);
  tRef.current = t;
  const loggedOut = useRef(onLoggedOut);
  loggedOut.current = onLoggedOut;

  useEffect(() => {
    client.onRevoked = () => { api.clear(); loggedOut.current(); };
    client.onIncoming = (m, conv) => {
      if (!document.hidden || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const name = conv ? displayName(conv.summary.peer) : '';
      try {
        const n = new Notification(tRef.current('notify.newMessage', { name }), { body: m.text.slice(0, 140), tag: `conv-${m.conversationId}` });
        n.onclick = () => { window.focus(); if (conv) { setView('chats'); setPeer(conv.summary.peer); } n.close(); };
      } catch { /* some browsers only allow notifications from a service worker */ }
    };
    client.start();
    const online = () => client.reconnectNow();
    window.addEventListener('online', online);
    return () => { window.removeEventListener('online', online); client.stop(); };
  }, [client]);

  const [incoming, setIncoming] = useState(0);
  useEffect(() => {
    let live = true;
    api.friendRequests('incoming').then(r => { if (live) setIncoming(r.filter(x => x.status === 'pending').length); }, () => {});
    return () => { live = false; };
  }, [client.contactsVersion]);

  const unread = client.unreadTotal();
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Parley` : 'Parley';
  }, [unread]);

  async function logout() {
    client.stop();
    try { await api.logout(); } catch { /* gone already */ }
    onLoggedOut();
  }

  function openPeer(u: UserSummary) { setPeer(u); setView('chats'); }

  const activePeer = peer ? (client.conversationWith(peer.id)?.summary.peer ?? peer) : null;
  const nav: { v: View; label: string; icon: ReactNode }[] = [
    { v: 'chats', label: t('nav.chats'), icon: <ChatIcon /> },
    { v: 'contacts', label: t('nav.contacts'), icon: <ContactsIcon /> },
    { v: 'settings', label: t('nav.settings'), icon: <SettingsIcon /> },
  ];
  const showChat = view === 'chats' && activePeer;

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
            <ConversationList client={client} selectedPeerId={activePeer?.id ?? null} onOpen={id => {
              const c = client.conversationWith(id);
              if (c) setPeer(c.summary.peer);
            }} />
            {activePeer
              ? <ChatView key={activePeer.id} client={client} peer={activePeer} onBack={() => setPeer(null)} />
              : <div className="chat-empty"><span className="logo big" aria-hidden="true">P</span><p className="muted">{t('chats.pick')}</p></div>}
          </div>
        )}
        {view === 'contacts' && <Contacts client={client} onMessage={openPeer} />}
        {view === 'settings' && <Settings client={client} me={me} onMe={onMe} onLogout={logout} />}
      </main>
    </div>
  );
}
