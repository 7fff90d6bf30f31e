import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, settingsApi, type ApiToken, type Member, type OrganisationSettings } from '../api.ts';
import { useI18n, type MessageKey, type Translate } from '../i18n.tsx';
import { Modal } from '../components/AllocationEditor.tsx';

const roleNames = ['owner', 'admin', 'accountant', 'viewer'] as const;
const roleKeys: Record<string, MessageKey> = { owner: 'roleOwner', admin: 'roleAdmin', accountant: 'roleAccountant', viewer: 'roleViewer' };
const roleText = (role: string, t: Translate) => (roleKeys[role] ? t(roleKeys[role]) : role);

/** Roles that may open the settings page: those with manage_settings or manage_users (docs/permissions.md). */
export const settingsRoles: readonly string[] = ['owner', 'admin'];

/** A settings refusal in words, in the page's language (the server's message kept for detail). */
function settingsErrorText(error: unknown, t: Translate): string {
  if (!(error instanceof ApiError)) return t('settingsErrorOther', { message: String(error) });
  if (error.code === 'last_owner_cannot_leave') return t('settingsErrorLastOwner');
  if (error.status === 403) return t('settingsErrorForbidden');
  return t('settingsErrorOther', { message: error.message });
}

function when(iso: string | null, language: string): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(language === 'fr' ? 'fr-CA' : 'en-CA', { dateStyle: 'medium', timeStyle: 'short' });
}

export function SettingsPage({ org }: { org: string }) {
  const { t } = useI18n();
  return (
    <>
      <div className="page-head">
        <p className="breadcrumb">{org}</p>
        <h1>{t('settings')}</h1>
      </div>
      <ReconciliationSwitch org={org} />
      <Members org={org} />
      <Tokens org={org} />
    </>
  );
}

function ReconciliationSwitch({ org }: { org: string }) {
  const { t } = useI18n();
  const [settings, setSettings] = useState<OrganisationSettings | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    settingsApi.settings(org).then(setSettings, (caught: unknown) => setError(settingsErrorText(caught, t)));
  }, [org]);
  async function toggle(enabled: boolean) {
    setBusy(true);
    setError(null);
    try {
      setSettings(await settingsApi.setReconciliation(org, enabled));
    } catch (caught) {
      setError(settingsErrorText(caught, t));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="settings-section" aria-labelledby="settings-reconciliation">
      <h2 id="settings-reconciliation">{t('settingsReconciliation')}</h2>
      {settings && (
        <>
          <label className="checkbox switch">
            <input type="checkbox" role="switch" checked={settings.reconciliation_enabled} disabled={busy} onChange={(event) => void toggle(event.target.checked)} aria-describedby="reconciliation-consequence" />
            <span>{t('reconciliationEnabled')}</span>
          </label>
          <p id="reconciliation-consequence" className="muted" data-testid="reconciliation-state">
            {t(settings.reconciliation_enabled ? 'reconciliationOnExplained' : 'reconciliationOffExplained')}
          </p>
        </>
      )}
      {!settings && !error && <p className="muted">{t('loading')}</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Members({ org }: { org: string }) {
  const { t } = useI18n();
  const [members, setMembers] = useState<readonly Member[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<string>('accountant');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const formId = useId();

  const load = useCallback(() => {
    settingsApi.members(org).then(
      (answer) => setMembers(answer.users),
      (caught: unknown) => setLoadError(settingsErrorText(caught, t)),
    );
  }, [org]);
  useEffect(load, [load]);

  async function add(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const added = await settingsApi.addMember(org, { email, password, role });
      setEmail('');
      setPassword('');
      setDone(t('memberAdded', { email: added.email }));
      load();
    } catch (caught) {
      setError(settingsErrorText(caught, t));
    } finally {
      setBusy(false);
    }
  }
  async function changeRole(member: Member, next: string) {
    setError(null);
    setDone(null);
    try {
      await settingsApi.changeRole(org, member.user_id, next);
      setDone(t('roleChanged', { email: member.email, role: roleText(next, t) }));
      load();
    } catch (caught) {
      setError(settingsErrorText(caught, t));
      load();
    }
  }

  return (
    <section className="settings-section" aria-labelledby="settings-members">
      <h2 id="settings-members">{t('members')}</h2>
      {loadError ? (
        <p className="notice" role="alert">
          {loadError}
        </p>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data-table members-table">
              <thead>
                <tr>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('documentActions')}</th>
                </tr>
              </thead>
              <tbody>
                {members === null && (
                  <tr>
                    <td colSpan={3} className="muted">{t('loading')}</td>
                  </tr>
                )}
                {members?.map((member) => (
                  <tr key={member.user_id} data-member={member.email}>
                    <td>{member.email}</td>
                    <td>
                      <select aria-label={t('roleOf', { email: member.email })} value={member.role} onChange={(event) => void changeRole(member, event.target.value)}>
                        {roleNames.map((name) => (
                          <option key={name} value={name}>
                            {roleText(name, t)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <button type="button" className="button secondary" onClick={() => setRemoving(member)} aria-label={t('removeMemberNamed', { email: member.email })}>
                        {t('removeMember')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form className="settings-form" onSubmit={(event) => void add(event)} aria-labelledby={`${formId}-title`}>
            <h3 id={`${formId}-title`}>{t('addMember')}</h3>
            <label className="field">
              <span>{t('email')}</span>
              <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />
            </label>
            <label className="field">
              <span>{t('password')}</span>
              <input type="password" required value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />
            </label>
            <label className="field">
              <span>{t('role')}</span>
              <select value={role} onChange={(event) => setRole(event.target.value)}>
                {roleNames.map((name) => (
                  <option key={name} value={name}>
                    {roleText(name, t)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              {t('addMember')}
            </button>
          </form>
          <div aria-live="polite">
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            {done && <p className="settings-done">{done}</p>}
          </div>
        </>
      )}
      {removing && (
        <ConfirmDialog
          title={t('removeMemberTitle')}
          question={t('removeMemberQuestion', { email: removing.email })}
          confirm={t('removeMember')}
          onClose={() => setRemoving(null)}
          action={async () => {
            await settingsApi.removeMember(org, removing.user_id);
            setRemoving(null);
            setDone(t('memberRemoved', { email: removing.email }));
            load();
          }}
        />
      )}
    </section>
  );
}

function Tokens({ org }: { org: string }) {
  const { t, language } = useI18n();
  const [tokens, setTokens] = useState<readonly ApiToken[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('viewer');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const load = useCallback(() => {
    settingsApi.tokens(org).then(
      (answer) => setTokens(answer.tokens),
      (caught: unknown) => setLoadError(settingsErrorText(caught, t)),
    );
  }, [org]);
  useEffect(load, [load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const answer = await settingsApi.createToken(org, { name, role });
      setCreated({ name: answer.name, token: answer.token });
      setName('');
      load();
    } catch (caught) {
      setError(settingsErrorText(caught, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="settings-section" aria-labelledby="settings-tokens">
      <h2 id="settings-tokens">{t('apiTokens')}</h2>
      {loadError ? (
        <p className="notice" role="alert">
          {loadError}
        </p>
      ) : (
        <>
          {created && (
            <div className="token-once" role="status" data-testid="new-token">
              <p className="strong">{t('tokenCreated', { name: created.name })}</p>
              <code className="mono token-value">{created.token}</code>
              <p className="muted">{t('tokenCopyHint')}</p>
              <button type="button" className="button secondary" onClick={() => setCreated(null)}>
                {t('tokenHide')}
              </button>
            </div>
          )}
          <div className="table-wrap">
            <table className="data-table tokens-table">
              <thead>
                <tr>
                  <th scope="col">{t('tokenName')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('tokenCreatedAt')}</th>
                  <th scope="col">{t('tokenLastUsed')}</th>
                  <th scope="col">{t('tokenRevoked')}</th>
                  <th scope="col">{t('documentActions')}</th>
                </tr>
              </thead>
              <tbody>
                {tokens === null && (
                  <tr>
                    <td colSpan={6} className="muted">{t('loading')}</td>
                  </tr>
                )}
                {tokens?.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">{t('noTokens')}</td>
                  </tr>
                )}
                {tokens?.map((token) => (
                  <tr key={token.token_id} data-token={token.name}>
                    <td>{token.name}</td>
                    <td>{roleText(token.role, t)}</td>
                    <td className="nowrap">{when(token.created_at, language)}</td>
                    <td className="nowrap">{token.last_used_at ? when(token.last_used_at, language) : t('tokenNeverUsed')}</td>
                    <td className="nowrap">{token.revoked_at ? when(token.revoked_at, language) : '—'}</td>
                    <td>
                      {!token.revoked_at && (
                        <button type="button" className="button secondary" onClick={() => setRevoking(token)} aria-label={t('revokeTokenNamed', { name: token.name })}>
                          {t('revokeToken')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form className="settings-form" onSubmit={(event) => void create(event)} aria-labelledby="create-token-title">
            <h3 id="create-token-title">{t('createToken')}</h3>
            <label className="field">
              <span>{t('tokenName')}</span>
              <input type="text" required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
            </label>
            <label className="field">
              <span>{t('role')}</span>
              <select value={role} onChange={(event) => setRole(event.target.value)}>
                {roleNames.map((option) => (
                  <option key={option} value={option}>
                    {roleText(option, t)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              {t('createToken')}
            </button>
          </form>
          <div aria-live="polite">
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
          </div>
        </>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('revokeTokenTitle')}
          question={t('revokeTokenQuestion', { name: revoking.name })}
          confirm={t('revokeToken')}
          onClose={() => setRevoking(null)}
          action={async () => {
            await settingsApi.revokeToken(org, revoking.token_id);
            setRevoking(null);
            load();
          }}
        />
      )}
    </section>
  );
}

/** Asks before a destructive step; the step's own API error is shown in the dialog. */
function ConfirmDialog({ title, question, confirm, onClose, action }: { title: string; question: string; confirm: string; onClose: () => void; action: () => Promise<void> }) {
  const { t } = useI18n();
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(settingsErrorText(caught, t));
      setBusy(false);
    }
  }
  return (
    <Modal titleId={titleId} onClose={onClose} className="confirm-dialog">
      <h2 id={titleId}>{title}</h2>
      <p>{question}</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="button secondary" onClick={onClose} autoFocus>
          {t('editorCancel')}
        </button>
        <button type="button" className="button danger" disabled={busy} onClick={() => void run()}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
