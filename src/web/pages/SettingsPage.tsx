import { useId, useState, type FormEvent } from 'react';
import { settingsApi, type ApiToken, type Invitation, type Member, type Permission, type RoleDescription } from '../api.ts';
import { paths } from '../router.ts';
import { useI18n, type MessageKey, type Translate } from '../i18n.tsx';
import { rolePermits, rolesUpTo, useRoleCatalogue } from '../role-catalogue.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ChangeOutcome, SettingsSection, SettingsTable, settingsErrorText, useSectionData, useSettingsChange } from '../components/SettingsSection.tsx';
import { settingsChanged } from '../organisation-settings.ts';
import { usePageTitle } from '../page-title.ts';
import { invitationLifetimeDays } from '../../core/limits.ts';

/** Words for the roles and permissions the server names (GET /roles); one the page does not know is shown by its name. */
const roleKeys: Record<string, MessageKey> = { owner: 'roleOwner', admin: 'roleAdmin', accountant: 'roleAccountant', viewer: 'roleViewer' };
const roleText = (role: string, t: Translate) => (roleKeys[role] ? t(roleKeys[role]) : role);
const permissionKeys: Record<Permission, MessageKey> = {
  read_billing: 'permissionReadBilling',
  write_billing: 'permissionWriteBilling',
  reconcile: 'permissionReconcile',
  read_reports: 'permissionReadReports',
  manage_settings: 'permissionManageSettings',
  manage_users: 'permissionManageUsers',
};

/** What the Settings page is for: a role granted one of these finds it in the header. */
export const settingsPermissions: readonly Permission[] = ['manage_settings', 'manage_users'];

const loadSettings = (org: string) => settingsApi.settings(org);
const loadMembers = (org: string) => settingsApi.members(org).then((answer) => answer.users);
const loadInvitations = (org: string) => settingsApi.invitations(org).then((answer) => answer.invitations);
const loadTokens = (org: string) => settingsApi.tokens(org).then((answer) => answer.tokens);

/**
 * Settings of one organisation, offered as the caller's role permits (the server's role
 * catalogue): reconciliation on or off (manage_settings), members and their roles (manage_users),
 * API tokens (manage_settings; never stronger than the caller's own role).
 */
export function SettingsPage({ org, role }: { org: string; role: string | undefined }) {
  const { t } = useI18n();
  usePageTitle(t('settings'));
  const catalogue = useRoleCatalogue(org);
  const permits = (permission: Permission) => catalogue.status === 'ready' && rolePermits(catalogue.roles, role, permission);
  return (
    <>
      <div className="page-head">
        <p className="breadcrumb">{org}</p>
        <h1>{t('settings')}</h1>
      </div>
      {catalogue.status === 'loading' && <p className="muted" role="status">{t('loading')}</p>}
      {catalogue.status === 'error' && (
        <p className="notice" role="alert">
          {settingsErrorText(catalogue.error, t)}
        </p>
      )}
      {catalogue.status === 'ready' && (
        <>
          {!settingsPermissions.some(permits) && <p className="notice">{t('settingsNotAllowed', { role: roleText(role ?? '', t) })}</p>}
          <ReconciliationSwitch org={org} mayChange={permits('manage_settings')} />
          {permits('manage_users') && <Members org={org} roles={catalogue.roles} />}
          {permits('manage_settings') && <Tokens org={org} roles={rolesUpTo(catalogue.roles, role)} />}
        </>
      )}
    </>
  );
}

function ReconciliationSwitch({ org, mayChange }: { org: string; mayChange: boolean }) {
  const { t } = useI18n();
  const { data: settings, setData: setSettings, loadError } = useSectionData(org, loadSettings);
  const { busy, error, change } = useSettingsChange();
  // The switch changes the whole organisation: it asks first, saying what the change does.
  const [confirming, setConfirming] = useState<boolean | null>(null);
  const toggle = async (enabled: boolean) => {
    const changed = await settingsApi.setReconciliation(org, enabled);
    setSettings(changed);
    settingsChanged(org, changed);
    setConfirming(null);
  };
  return (
    <SettingsSection id="settings-reconciliation" title={t('settingsReconciliation')} loadError={loadError}>
      {settings ? (
        <>
          <label className="checkbox switch">
            <input type="checkbox" role="switch" checked={settings.reconciliation_enabled} disabled={busy || !mayChange} onChange={(event) => setConfirming(event.target.checked)} aria-describedby="reconciliation-consequence" />
            <span data-testid="reconciliation-switch-label">{t(settings.reconciliation_enabled ? 'reconciliationStateOn' : 'reconciliationStateOff')}</span>
          </label>
          {confirming !== null && (
            <ConfirmDialog
              title={t(confirming ? 'reconciliationTurnOn' : 'reconciliationTurnOff')}
              question={t(confirming ? 'reconciliationTurnOnQuestion' : 'reconciliationTurnOffQuestion')}
              confirm={t(confirming ? 'reconciliationTurnOn' : 'reconciliationTurnOff')}
              onClose={() => setConfirming(null)}
              errorText={(caught) => settingsErrorText(caught, t)}
              action={() => toggle(confirming)}
            />
          )}
          <p id="reconciliation-consequence" className="muted" data-testid="reconciliation-state">
            {t(settings.reconciliation_enabled ? 'reconciliationOnExplained' : 'reconciliationOffExplained')}
          </p>
        </>
      ) : (
        <p className="muted">{t('loading')}</p>
      )}
      <ChangeOutcome error={error} done={null} />
    </SettingsSection>
  );
}

function Members({ org, roles }: { org: string; roles: readonly RoleDescription[] }) {
  const { t } = useI18n();
  const { data: members, loadError, reload } = useSectionData(org, loadMembers);
  const { busy, error, done, change, announce } = useSettingsChange();
  const [removing, setRemoving] = useState<Member | null>(null);
  const { language } = useI18n();
  const collator = new Intl.Collator(language === 'fr' ? 'fr-CA' : 'en-CA');
  const ownersCount = members?.filter((member) => member.role === 'owner').length ?? 0;
  const [email, setEmail] = useState('');
  // The weakest role first: giving more is a choice.
  const [role, setRole] = useState(() => roles[roles.length - 1]?.role ?? '');
  const formId = useId();
  const { data: invitations, loadError: invitationsError, reload: reloadInvitations } = useSectionData(org, loadInvitations);
  const [invited, setInvited] = useState<{ email: string; link: string } | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const { dateTime } = useI18n();

  const invite = (event: FormEvent) => {
    event.preventDefault();
    setInvited(null);
    void change(async () => {
      const answer = await settingsApi.invite(org, { email, role });
      // The secret goes in the fragment: browsers never send it to a server, so no log holds it.
      setInvited({ email: answer.email, link: `${window.location.origin}${paths.invitation(answer.token)}` });
      setEmail('');
      reloadInvitations();
      return t('invitationCreated', { email: answer.email });
    });
  };
  // Reloaded even when refused, so each select shows the role the server has.
  const changeRole = (member: Member, next: string) =>
    void change(async () => {
      try {
        await settingsApi.changeRole(org, member.user_id, next);
        return t('roleChanged', { email: member.email, role: roleText(next, t) });
      } finally {
        reload();
      }
    });

  return (
    <SettingsSection id="settings-members" title={t('members')} loadError={loadError}>
      <SettingsTable
        className="members-table"
        headings={[t('email'), t('role'), t('documentActions')]}
        items={members && [...members].sort((a, b) => collator.compare(a.email, b.email))}
        row={(member) => {
          // The server keeps at least one owner; the page says so instead of offering what it refuses.
          const lastOwner = member.role === 'owner' && ownersCount === 1;
          return (
          <tr key={member.user_id} data-member={member.email}>
            <td>{member.email}</td>
            <td>
              <select aria-label={t('roleOf', { email: member.email })} value={member.role} disabled={lastOwner} aria-describedby={lastOwner ? `last-owner-${member.user_id}` : undefined} onChange={(event) => changeRole(member, event.target.value)}>
                <RoleOptions roles={roles} />
              </select>
            </td>
            <td>
              <button type="button" className="button secondary" disabled={lastOwner} aria-describedby={lastOwner ? `last-owner-${member.user_id}` : undefined} onClick={() => setRemoving(member)} aria-label={t('removeMemberNamed', { email: member.email })}>
                {t('removeMember')}
              </button>
              {lastOwner && (
                <span id={`last-owner-${member.user_id}`} className="muted disabled-reason" data-testid="last-owner-reason">
                  {t('lastOwnerReason')}
                </span>
              )}
            </td>
          </tr>
          );
        }}
      />
      <form className="settings-form" onSubmit={invite} aria-labelledby={`${formId}-title`}>
        <h3 id={`${formId}-title`}>{t('inviteMember')}</h3>
        <p className="muted">{t('inviteMemberIntro', { days: invitationLifetimeDays })}</p>
        <label className="field">
          <span>{t('email')}</span>
          <input type="email" required value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="off" />
        </label>
        <RoleField roles={roles} role={role} onChange={setRole} />
        <button type="submit" className="button primary" disabled={busy}>
          {t('inviteMember')}
        </button>
      </form>
      {invited && (
        <div className="token-once" role="status" data-testid="invitation-link">
          <p className="strong">{t('invitationLinkFor', { email: invited.email })}</p>
          <code className="mono token-value" data-testid="invitation-link-value">{invited.link}</code>
          <CopyButton text={invited.link} />
          <p className="muted">{t('invitationLinkHint')}</p>
          <button type="button" className="button secondary" onClick={() => setInvited(null)}>
            {t('tokenHide')}
          </button>
        </div>
      )}
      <h3>{t('invitationsWaiting')}</h3>
      {invitationsError && <p className="notice" role="alert">{invitationsError}</p>}
      <SettingsTable
        className="invitations-table"
        headings={[t('email'), t('role'), t('invitationExpires'), t('documentActions')]}
        items={invitations}
        empty={t('noInvitations')}
        row={(invitation) => (
          <tr key={invitation.invitation_id} data-invitation={invitation.email}>
            <td>{invitation.email}</td>
            <td>{roleText(invitation.role, t)}</td>
            <td className="nowrap">
              <time dateTime={invitation.expires_at}>{dateTime(invitation.expires_at)}</time>
            </td>
            <td>
              <button type="button" className="button secondary" onClick={() => setRevoking(invitation)} aria-label={t('revokeInvitationNamed', { email: invitation.email })}>
                {t('revokeInvitation')}
              </button>
            </td>
          </tr>
        )}
      />
      {revoking && (
        <ConfirmDialog
          title={t('revokeInvitationTitle')}
          question={t('revokeInvitationQuestion', { email: revoking.email })}
          confirm={t('revokeInvitation')}
          onClose={() => setRevoking(null)}
          errorText={(caught) => settingsErrorText(caught, t)}
          action={async () => {
            await settingsApi.revokeInvitation(org, revoking.invitation_id);
            setRevoking(null);
            reloadInvitations();
          }}
        />
      )}
      <ChangeOutcome error={error} done={done} />
      {removing && (
        <ConfirmDialog
          title={t('removeMemberTitle')}
          question={t('removeMemberQuestion', { email: removing.email })}
          confirm={t('removeMember')}
          onClose={() => setRemoving(null)}
          errorText={(caught) => settingsErrorText(caught, t)}
          action={async () => {
            await settingsApi.removeMember(org, removing.user_id);
            setRemoving(null);
            announce(t('memberRemoved', { email: removing.email }));
            reload();
          }}
        />
      )}
    </SettingsSection>
  );
}

function Tokens({ org, roles }: { org: string; roles: readonly RoleDescription[] }) {
  const { t, dateTime } = useI18n();
  const { data: tokens, loadError, reload } = useSectionData(org, loadTokens);
  const { busy, error, change } = useSettingsChange();
  const [name, setName] = useState('');
  const [role, setRole] = useState(() => roles[roles.length - 1]?.role ?? '');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const create = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    void change(async () => {
      const answer = await settingsApi.createToken(org, { name, role });
      setCreated({ name: answer.name, token: answer.token });
      setName('');
      reload();
      return null;
    });
  };

  return (
    <SettingsSection id="settings-tokens" title={t('apiTokens')} loadError={loadError}>
      {created && (
        <div className="token-once" role="status" data-testid="new-token">
          <p className="strong">{t('tokenCreated', { name: created.name })}</p>
          <code className="mono token-value" data-testid="token-value">{created.token}</code>
          <CopyButton text={created.token} />
          <p className="muted">{t('tokenCopyHint')}</p>
          <button type="button" className="button secondary" onClick={() => setCreated(null)}>
            {t('tokenHide')}
          </button>
        </div>
      )}
      <SettingsTable
        className="tokens-table"
        headings={[t('tokenName'), t('role'), t('tokenCreatedAt'), t('tokenLastUsed'), t('tokenRevoked'), t('documentActions')]}
        items={tokens}
        empty={t('noTokens')}
        row={(token) => (
          <tr key={token.token_id} data-token={token.name}>
            <td>{token.name}</td>
            <td>{roleText(token.role, t)}</td>
            <td className="nowrap">
              <time dateTime={token.created_at}>{dateTime(token.created_at)}</time>
            </td>
            <td className="nowrap">{token.last_used_at ? <time dateTime={token.last_used_at}>{dateTime(token.last_used_at)}</time> : t('tokenNeverUsed')}</td>
            <td className="nowrap">{token.revoked_at ? <time dateTime={token.revoked_at}>{dateTime(token.revoked_at)}</time> : '—'}</td>
            <td>
              {!token.revoked_at && (
                <button type="button" className="button secondary" onClick={() => setRevoking(token)} aria-label={t('revokeTokenNamed', { name: token.name })}>
                  {t('revokeToken')}
                </button>
              )}
            </td>
          </tr>
        )}
      />
      <form className="settings-form" onSubmit={create} aria-labelledby="create-token-title">
        <h3 id="create-token-title">{t('createToken')}</h3>
        <label className="field">
          <span>{t('tokenName')}</span>
          <input type="text" required maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <RoleField roles={roles} role={role} onChange={setRole} />
        <button type="submit" className="button primary" disabled={busy}>
          {t('createToken')}
        </button>
      </form>
      <ChangeOutcome error={error} done={null} />
      {revoking && (
        <ConfirmDialog
          title={t('revokeTokenTitle')}
          question={t('revokeTokenQuestion', { name: revoking.name })}
          confirm={t('revokeToken')}
          onClose={() => setRevoking(null)}
          errorText={(caught) => settingsErrorText(caught, t)}
          action={async () => {
            await settingsApi.revokeToken(org, revoking.token_id);
            setRevoking(null);
            reload();
          }}
        />
      )}
    </SettingsSection>
  );
}

function RoleOptions({ roles }: { roles: readonly RoleDescription[] }) {
  const { t } = useI18n();
  return (
    <>
      {roles.map((description) => (
        <option key={description.role} value={description.role}>
          {roleText(description.role, t)}
        </option>
      ))}
    </>
  );
}

/** The role to give, and what that role permits (from the server), so the choice is an informed one. */
function RoleField({ roles, role, onChange }: { roles: readonly RoleDescription[]; role: string; onChange: (role: string) => void }) {
  const { t, language } = useI18n();
  const hintId = useId();
  const permissions = roles.find((description) => description.role === role)?.permissions ?? [];
  const list = new Intl.ListFormat(language === 'fr' ? 'fr-CA' : 'en-CA', { type: 'conjunction' }).format(permissions.map((permission) => (permissionKeys[permission] ? t(permissionKeys[permission]) : permission)));
  return (
    <>
      <label className="field">
        <span>{t('role')}</span>
        <select value={role} onChange={(event) => onChange(event.target.value)} aria-describedby={hintId}>
          <RoleOptions roles={roles} />
        </select>
      </label>
      <p id={hintId} className="muted role-permits">
        {t('rolePermits', { role: roleText(role, t), permissions: list })}
      </p>
    </>
  );
}

/** Copies a secret to the clipboard and says so; where the clipboard is refused, the text stays selectable. */
function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <span className="copy">
      <button
        type="button"
        className="button secondary small"
        onClick={() =>
          void navigator.clipboard.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {t('tokenCopy')}
      </button>
      <span role="status" className="muted">
        {copied ? t('tokenCopied') : ''}
      </span>
    </span>
  );
}
