import { useEffect, useState, type FormEvent } from 'react';
import type { Api } from '../protocol/api';
import type { RegistrationMode, Tokens } from '../protocol/types';
import { errorText, useI18n } from '../i18n';
import { LanguagePicker } from './Prefs';

export function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return `${browser}${os ? ' on ' + os : ''}`;
}

/** An invite link is {@code <app>/?token=...} or {@code <app>/#token=...}; the token, if the URL has one. */
export function inviteTokenFromUrl(loc: { search: string; hash: string }): string | null {
  const fromQuery = new URLSearchParams(loc.search).get('token');
  const fromHash = new URLSearchParams(loc.hash.replace(/^#/, '')).get('token');
  const token = (fromQuery || fromHash || '').trim();
  return token || null;
}

/** The invite link for a registration token, on this web app's own address. */
export function inviteLink(token: string, origin = location.origin, path = location.pathname): string {
  return `${origin}${path}#token=${encodeURIComponent(token)}`;
}

export function AuthScreen({ api, onLoggedIn }: { api: Api; onLoggedIn: (t: Tokens) => void }) {
  const { t } = useI18n();
  const [linkToken] = useState(() => inviteTokenFromUrl(location));
  const [mode, setMode] = useState<'login' | 'register'>(linkToken ? 'register' : 'login');
  const [policy, setPolicy] = useState<RegistrationMode>(linkToken ? 'invite' : 'open');
  const [token, setToken] = useState(linkToken ?? '');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    // The token is in the form now; keep it out of the address bar, history and bookmarks.
    if (linkToken) history.replaceState(null, '', location.pathname);
    let live = true;
    api.registrationMode().then(m => { if (live) setPolicy(m); }, () => {});
    return () => { live = false; };
  }, [api, linkToken]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const name = username.trim().toLowerCase();
      if (mode === 'register') await api.register(name, displayName.trim() || name, password, policy === 'invite' ? token.trim() : undefined);
      onLoggedIn(await api.login(name, password, deviceLabel()));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const title = mode === 'login' ? t('auth.login') : t('auth.register');
  const closed = mode === 'register' && policy === 'closed';
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand">
          <span className="logo" aria-hidden="true">P</span>
          <div>
            <h1>{t('app.name')}</h1>
            <p className="muted">{t('app.tagline')}</p>
          </div>
        </div>
        {closed ? <p className="form-error" role="status">{t('auth.registrationClosed')}</p> : (
        <form onSubmit={submit} aria-label={title} noValidate>
          <h2>{title}</h2>
          {mode === 'register' && policy === 'invite' && (
            <>
              <label>
                <span>{t('auth.inviteToken')}</span>
                <input name="token" required value={token} autoCapitalize="none" autoComplete="off" spellCheck={false}
                  onChange={e => setToken(e.target.value)} aria-describedby="invite-hint" />
              </label>
              <small id="invite-hint" className="muted">{t('auth.inviteHint')}</small>
            </>
          )}
          <label>
            <span>{t('auth.username')}</span>
            <input name="username" autoComplete="username" required value={username} autoCapitalize="none" spellCheck={false}
              onChange={e => setUsername(e.target.value)} aria-describedby={mode === 'register' ? 'username-hint' : undefined} />
          </label>
          {mode === 'register' && <small id="username-hint" className="muted">{t('auth.usernameHint')}</small>}
          {mode === 'register' && (
            <label>
              <span>{t('auth.displayName')}</span>
              <input name="displayName" autoComplete="nickname" value={displayName} onChange={e => setDisplayName(e.target.value)} />
            </label>
          )}
          <label>
            <span>{t('auth.password')}</span>
            <input name="password" type="password" required autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              value={password} onChange={e => setPassword(e.target.value)} aria-describedby={mode === 'register' ? 'password-hint' : undefined} />
          </label>
          {mode === 'register' && <small id="password-hint" className="muted">{t('auth.passwordHint')}</small>}
          {error && <p className="form-error" role="alert">{error}</p>}
          <button type="submit" className="primary" disabled={busy}>{title}</button>
        </form>
        )}
        {mode === 'login' && policy === 'closed' ? <p className="switch muted">{t('auth.registrationClosed')}</p> : (
        <p className="switch">
          {mode === 'login' ? t('auth.noAccount') : t('auth.haveAccount')}{' '}
          <button type="button" className="link" onClick={() => { setMode(mode === 'login' ? 'register' : 'login'); setError(''); }}>
            {mode === 'login' ? t('auth.register') : t('auth.login')}
          </button>
        </p>
        )}
        <LanguagePicker />
      </div>
    </main>
  );
}
