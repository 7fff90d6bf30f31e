import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, type Session } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { LanguageSwitch } from '../App.tsx';

export function SignInPage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const { t, language, setLanguage } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(email.trim(), password));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card">
        <div className="sign-in-language">
          <LanguageSwitch language={language} onChange={setLanguage} />
        </div>
        <h1>
          <span className="brand-mark" aria-hidden="true">✓</span> {t('signInTitle')}
        </h1>
        <p className="muted">{t('signInIntro')}</p>
        <form onSubmit={submit} aria-describedby={error ? errorId : undefined} noValidate>
          <div className="field">
            <label htmlFor="sign-in-email">{t('email')}</label>
            <input id="sign-in-email" name="email" type="email" autoComplete="username" required value={email} onChange={(event) => setEmail(event.target.value)} aria-invalid={error ? true : undefined} />
          </div>
          <div className="field">
            <label htmlFor="sign-in-password">{t('password')}</label>
            <input id="sign-in-password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} aria-invalid={error ? true : undefined} />
          </div>
          {error && (
            <p id={errorId} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button primary wide" disabled={busy}>
            {busy ? t('signingIn') : t('signIn')}
          </button>
        </form>
      </div>
    </main>
  );
}
