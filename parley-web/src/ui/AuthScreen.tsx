import { useState, type FormEvent } from 'react';
import type { Api } from '../protocol/api';
import type { Tokens } from '../protocol/types';
import { errorText, useI18n } from '../i18n';
import { LanguagePicker } from './Prefs';

export function deviceLabel(): string {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return `${browser}${os ? ' on ' + os : ''}`;
}

export function AuthScreen({ api, onLoggedIn }: { api: Api; onLoggedIn: (t: Tokens) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const name = username.trim().toLowerCase();
      if (mode === 'register') await api.register(name, displayName.trim() || name, password);
      onLoggedIn(await api.login(name, password, deviceLabel()));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  const title = mode === 'login' ? t('auth.login') : t('auth.register');
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
        <form onSubmit={submit} aria-label={title} noValidate>
          <h2>{title}</h2>
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
        <p className="switch">
          {mode === 'login' ? t('auth.noAccount') : t('auth.haveAccount')}{' '}
          <button type="button" className="link" onClick={() => { setMode(mode === 'login' ? 'register' : 'login'); setError(''); }}>
            {mode === 'login' ? t('auth.register') : t('auth.login')}
          </button>
        </p>
        <LanguagePicker />
      </div>
    </main>
  );
}
