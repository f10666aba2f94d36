import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ChatClient } from '../protocol/client';
import type { SessionView, UserSummary } from '../protocol/types';
import { errorText, useI18n } from '../i18n';
import { LanguagePicker, usePrefs, type Theme } from './Prefs';
import { shortTime } from './common';
import { DeviceIcon } from './icons';
import { groupsApi } from '../protocol/groupsApi';
import { InviteLinks } from './InviteLinks';

export function Settings({ client, me, onMe, onLogout }: {
  client: ChatClient; me: UserSummary; onMe: (u: UserSummary) => void; onLogout: () => void;
}) {
  const { t, lang } = useI18n();
  const { theme, setTheme } = usePrefs();
  const api = client.api;
  const [name, setName] = useState(me.displayName);
  const [profileMsg, setProfileMsg] = useState<{ text: string; error?: boolean } | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [pwMsg, setPwMsg] = useState<{ text: string; error?: boolean } | null>(null);
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const [perm, setPerm] = useState<string>(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);

  const [visibility, setVisibility] = useState<'friends' | 'nobody'>(me.presenceVisibility ?? 'friends');
  const [privacyMsg, setPrivacyMsg] = useState<{ text: string; error?: boolean } | null>(null);

  const loadSessions = useCallback(() => { api.sessions().then(setSessions).catch(() => {}); }, [api]);
  useEffect(loadSessions, [loadSessions]);
  // The profile carries the privacy setting (not every login answer does).
  useEffect(() => { api.me().then(u => { if (u.presenceVisibility) setVisibility(u.presenceVisibility); }, () => {}); }, [api]);

  async function saveVisibility(v: 'friends' | 'nobody') {
    const before = visibility;
    setVisibility(v);
    try {
      await groupsApi.presenceVisibility(api, v);
      setPrivacyMsg({ text: t('settings.saved') });
    } catch (err) { setVisibility(before); setPrivacyMsg({ text: errorText(t, err), error: true }); }
  }

  async function saveProfile(e: FormEvent) {
    e.preventDefault();
    try {
      onMe(await api.rename(name.trim()));
      setProfileMsg({ text: t('settings.saved') });
    } catch (err) { setProfileMsg({ text: errorText(t, err), error: true }); }
  }

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    try {
      await api.changePassword(current, next);
      setCurrent(''); setNext('');
      setPwMsg({ text: t('settings.passwordChanged') });
      loadSessions();
    } catch (err) { setPwMsg({ text: errorText(t, err), error: true }); }
  }

  const themes: Theme[] = ['light', 'dark', 'system'];
  return (
    <section className="page" aria-labelledby="settings-heading">
      <header className="pane-header"><h2 id="settings-heading">{t('settings.title')}</h2></header>
      <div className="page-body">
        <form className="card" onSubmit={saveProfile} aria-labelledby="profile-h">
          <h3 id="profile-h" className="card-title">{t('settings.profile')}</h3>
          <label className="field"><span>{t('auth.displayName')}</span>
            <input value={name} onChange={e => setName(e.target.value)} maxLength={64} /></label>
          <p className="muted small">@{me.username}</p>
          {profileMsg && <p className={profileMsg.error ? 'form-error' : 'form-ok'} role="status">{profileMsg.text}</p>}
          <button type="submit" className="primary">{t('settings.save')}</button>
        </form>

        <div className="card" role="group" aria-labelledby="appearance-h">
          <h3 id="appearance-h" className="card-title">{t('settings.appearance')}</h3>
          <LanguagePicker id="settings-lang" />
          <fieldset className="theme-choice">
            <legend>{t('settings.theme')}</legend>
            {themes.map(th => (
              <label key={th} className="radio">
                <input type="radio" name="theme" value={th} checked={theme === th} onChange={() => setTheme(th)} />
                <span>{t(`settings.theme.${th}`)}</span>
              </label>
            ))}
          </fieldset>
        </div>

        <div className="card" role="group" aria-labelledby="notify-h">
          <h3 id="notify-h" className="card-title">{t('settings.notifications')}</h3>
          {perm === 'granted' ? <p className="muted">{t('settings.notifyOn')}</p>
            : perm === 'denied' ? <p className="muted">{t('settings.notifyDenied')}</p>
            : perm === 'unsupported' ? <p className="muted">{t('settings.notifyUnsupported')}</p>
            : <button type="button" onClick={() => Notification.requestPermission().then(setPerm)}>{t('settings.notifyEnable')}</button>}
        </div>

        <div className="card" role="group" aria-labelledby="privacy-h">
          <h3 id="privacy-h" className="card-title">{t('settings.privacy')}</h3>
          <fieldset className="theme-choice">
            <legend>{t('settings.presenceVisibility')}</legend>
            {(['friends', 'nobody'] as const).map(v => (
              <label key={v} className="radio">
                <input type="radio" name="presence" value={v} checked={visibility === v} onChange={() => saveVisibility(v)} />
                <span>{t(`settings.presence.${v}`)}</span>
              </label>
            ))}
          </fieldset>
          {privacyMsg && <p className={privacyMsg.error ? 'form-error' : 'form-ok'} role="status">{privacyMsg.text}</p>}
        </div>

        <form className="card" onSubmit={changePassword} aria-labelledby="pw-h">
          <h3 id="pw-h" className="card-title">{t('settings.password')}</h3>
          <input type="text" name="username" autoComplete="username" value={me.username} readOnly hidden />
          <label className="field"><span>{t('settings.currentPassword')}</span>
            <input type="password" autoComplete="current-password" value={current} onChange={e => setCurrent(e.target.value)} required /></label>
          <label className="field"><span>{t('settings.newPassword')}</span>
            <input type="password" autoComplete="new-password" value={next} onChange={e => setNext(e.target.value)} required minLength={8} /></label>
          {pwMsg && <p className={pwMsg.error ? 'form-error' : 'form-ok'} role="status">{pwMsg.text}</p>}
          <button type="submit" className="primary" disabled={!current || next.length < 8}>{t('settings.password')}</button>
        </form>

        <div className="card" role="group" aria-labelledby="sessions-h">
          <h3 id="sessions-h" className="card-title">{t('settings.sessions')}</h3>
          <ul className="people" aria-label={t('settings.sessions')}>
            {sessions.map(s => (
              <li key={s.id} className="person">
                <span className="device-icon"><DeviceIcon /></span>
                <span className="person-name">
                  <strong>{s.deviceName || t('settings.unknownDevice')}</strong>
                  <span className="muted small">{s.current ? t('settings.thisDevice') : t('settings.lastSeen', { time: shortTime(s.lastSeenAt, lang) })}</span>
                </span>
                {!s.current && (
                  <button type="button" onClick={() => api.revokeSession(s.id).then(loadSessions, () => {})}
                    aria-label={`${t('settings.revoke')}: ${s.deviceName || t('settings.unknownDevice')}`}>{t('settings.revoke')}</button>
                )}
              </li>
            ))}
          </ul>
        </div>

        <InviteLinks api={api} />

        <div className="card">
          <button type="button" className="danger wide" onClick={onLogout}>{t('auth.logout')}</button>
        </div>
      </div>
    </section>
  );
}
