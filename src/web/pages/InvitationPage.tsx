import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, invitationApi, type InvitationDetails, type Session } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { navigate, paths } from '../router.ts';
import { passwordLengthMax, passwordLengthMin } from '../../core/limits.ts';

const roleKeys: Record<string, MessageKey> = { owner: 'roleOwner', admin: 'roleAdmin', accountant: 'roleAccountant', viewer: 'roleViewer' };

type Loaded = { readonly status: 'loading' } | { readonly status: 'error'; readonly message: string } | { readonly status: 'ready'; readonly details: InvitationDetails };

/**
 * An invitation link (/invitation#secret): what it offers, then accepting it as the signed-in user
 * with the invited email, or creating that email's account with a name and password chosen here.
 */
export function InvitationPage({ session, onSession }: { session: Session | null; onSession: (session: Session) => void }) {
  const { t } = useI18n();
  const token = decodeURIComponent(window.location.hash.slice(1));
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [accepted, setAccepted] = useState<InvitationDetails | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ruleId = useId();

  useEffect(() => {
    if (token === '') {
      setLoaded({ status: 'error', message: t('invitationMissingToken') });
      return;
    }
    invitationApi.lookup(token).then(
      (details) => setLoaded({ status: 'ready', details }),
      (caught: unknown) => setLoaded({ status: 'error', message: caught instanceof ApiError ? caught.message : String(caught) }),
    );
  }, [token, t]);

  const accept = async (account?: { name: string; password: string }) => {
    if (loaded.status !== 'ready') return;
    setBusy(true);
    setError(null);
    try {
      onSession(await invitationApi.accept(token, account));
      setAccepted(loaded.details);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    void accept({ name, password });
  };

  return (
    <main id="main" className="sign-in">
      <div className="sign-in-card" data-testid="invitation-page">
        <h1>{t('invitationTitle')}</h1>
        {loaded.status === 'loading' && <p className="muted" role="status">{t('loading')}</p>}
        {loaded.status === 'error' && <p className="form-error" role="alert">{loaded.message}</p>}
        {accepted && (
          <>
            <p className="notice-success" role="status">{t('invitationAccepted', { organisation: accepted.organisation_name })}</p>
            <button type="button" className="button primary wide" onClick={() => navigate(paths.accounts(accepted.organisation_slug))}>
              {t('invitationOpenOrganisation', { organisation: accepted.organisation_name })}
            </button>
          </>
        )}
        {loaded.status === 'ready' && !accepted && (
          <>
            <p data-testid="invitation-offer">
              {t('invitationOffer', { organisation: loaded.details.organisation_name, email: loaded.details.email, role: roleKeys[loaded.details.role] ? t(roleKeys[loaded.details.role]!) : loaded.details.role })}
            </p>
            {session && session.email === loaded.details.email && (
              <button type="button" className="button primary wide" disabled={busy} onClick={() => void accept()}>
                {t('invitationAcceptAs', { email: session.email })}
              </button>
            )}
            {session && session.email !== loaded.details.email && <p className="notice">{t('invitationWrongUser', { signedIn: session.email, email: loaded.details.email })}</p>}
            {!session && (
              <>
                <p className="muted">{t('invitationSignInFirst', { email: loaded.details.email })}</p>
                <form onSubmit={create}>
                  <p>{t('invitationCreateAccount')}</p>
                  <div className="field">
                    <label htmlFor="invitation-name">{t('yourName')}</label>
                    <input id="invitation-name" type="text" required maxLength={200} autoComplete="name" value={name} onChange={(event) => setName(event.target.value)} />
                  </div>
                  <div className="field">
                    <label htmlFor="invitation-password">{t('password')}</label>
                    <input id="invitation-password" type="password" required minLength={passwordLengthMin} maxLength={passwordLengthMax} autoComplete="new-password" value={password} onChange={(event) => setPassword(event.target.value)} aria-describedby={ruleId} />
                    <span id={ruleId} className="muted field-hint">{t('passwordRule', { min: passwordLengthMin, max: passwordLengthMax })}</span>
                  </div>
                  <button type="submit" className="button primary wide" disabled={busy}>
                    {t('invitationCreateAndJoin')}
                  </button>
                </form>
              </>
            )}
            {error && <p className="form-error" role="alert">{error}</p>}
          </>
        )}
      </div>
    </main>
  );
}
