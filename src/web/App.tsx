import { useCallback, useEffect, useState } from 'react';
import { RunPage, RunsPage } from './pages/RunsPage.tsx';
import { SkeletonBlock } from './components/Skeleton.tsx';
import { api, whenSignedOut, type Session } from './api.ts';
import { useI18n, type Language } from './i18n.tsx';
import { matchRoute, navigate, paths, useLocation } from './router.ts';
import { SignInPage } from './pages/SignInPage.tsx';
import { InvitationPage } from './pages/InvitationPage.tsx';
import { AccountsPage } from './pages/AccountsPage.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { UnreconciledPage } from './pages/UnreconciledPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { SettingsPage, settingsPermissions } from './pages/SettingsPage.tsx';
import { ReportsPage } from './pages/ReportsPage.tsx';
import { Link } from './components/Link.tsx';
import { useNarrowScreen } from './narrow-screen.ts';
import { rolePermits, useRoleCatalogue } from './role-catalogue.ts';

type SessionState = { readonly status: 'loading' } | { readonly status: 'signed-out' } | { readonly status: 'signed-in'; readonly session: Session };

export function App() {
  const { t } = useI18n();
  const location = useLocation();
  const route = matchRoute(location.path);
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    whenSignedOut(() => setState({ status: 'signed-out' }));
    api.currentSession().then(
      (session) => setState(session ? { status: 'signed-in', session } : { status: 'signed-out' }),
      () => setState({ status: 'signed-out' }),
    );
    return () => whenSignedOut(null);
  }, []);

  const firstOrg = state.status === 'signed-in' ? state.session.organisations[0]?.slug : undefined;
  // Signed out: every page but sign-in leads to sign-in (and back afterwards). Signed in: the
  // sign-in page and the root lead to the first organisation's accounts.
  useEffect(() => {
    if (state.status === 'signed-out' && route.name !== 'sign-in' && route.name !== 'invitation') {
      const back = location.path + (location.query.toString() ? `?${location.query.toString()}` : '');
      navigate(`/sign-in${back !== '/' ? `?next=${encodeURIComponent(back)}` : ''}`, { replace: true });
    }
    if (state.status === 'signed-in' && (route.name === 'sign-in' || route.name === 'home') && firstOrg) {
      const next = location.query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : paths.accounts(firstOrg), { replace: true });
    }
  }, [state.status, route.name, firstOrg, location.path, location.query]);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setState({ status: 'signed-out' });
      navigate('/sign-in', { replace: true });
    }
  }, []);

  if (state.status === 'loading') return <SkeletonBlock label={t('loading')} />;
  // An invitation link opens signed in or not: it is accepted as the signed-in user, or by creating an account.
  if (route.name === 'invitation') {
    return <InvitationPage session={state.status === 'signed-in' ? state.session : null} onSession={(session) => setState({ status: 'signed-in', session })} />;
  }
  if (state.status === 'signed-out') {
    return <SignInPage onSignedIn={(session) => setState({ status: 'signed-in', session })} />;
  }
  const session = state.session;
  const org = 'org' in route ? route.org : firstOrg;
  const roleIn = (slug: string | undefined) => session.organisations.find((membership) => membership.slug === slug)?.role;
  return (
    <>
      <a className="skip-link" href="#main">{t('skipToContent')}</a>
      <Header session={session} org={org} role={roleIn(org)} current={route.name} onSignOut={signOut} />
      <main id="main" tabIndex={-1}>
        {session.organisations.length === 0 && <p className="notice">{t('noOrganisation')}</p>}
        {route.name === 'accounts' && <AccountsPage key={route.org} org={route.org} />}
        {route.name === 'account' && <AccountPage key={`${route.org}/${route.account}`} org={route.org} accountId={route.account} />}
        {route.name === 'settings' && <SettingsPage key={route.org} org={route.org} role={roleIn(route.org)} />}
        {route.name === 'unreconciled' && <UnreconciledPage key={route.org} org={route.org} role={roleIn(route.org)} />}
        {route.name === 'audit' && <AuditPage key={route.org} org={route.org} role={roleIn(route.org)} />}
        {route.name === 'runs' && <RunsPage key={route.org} org={route.org} />}
        {route.name === 'reports' && <ReportsPage key={route.org} org={route.org} report={route.report} />}
        {route.name === 'run' && <RunPage key={`${route.org}/${route.run}`} org={route.org} runId={route.run} />}
        {route.name === 'not-found' && <p className="notice">{t('notFound')}</p>}
      </main>
    </>
  );
}

/** Which navigation entry a page belongs to (a billing page is under Accounts, a run under Runs). */
const navigationOf: Partial<Record<string, string>> = { accounts: 'accounts', account: 'accounts', unreconciled: 'unreconciled', runs: 'runs', run: 'runs', audit: 'audit', reports: 'reports', settings: 'settings' };

function Header({ session, org, role, current, onSignOut }: { session: Session; org: string | undefined; role: string | undefined; current: string; onSignOut: () => void }) {
  const { t, language, setLanguage } = useI18n();
  const catalogue = useRoleCatalogue(org);
  const [menuOpen, setMenuOpen] = useState(false);
  const mayOpenSettings = catalogue.status === 'ready' && settingsPermissions.some((permission) => rolePermits(catalogue.roles, role, permission));
  const mayReadReports = catalogue.status === 'ready' && rolePermits(catalogue.roles, role, 'read_reports');
  const entries = org
    ? [
        { id: 'accounts', to: paths.accounts(org), label: `${t('clients')} › ${t('accounts')}` },
        { id: 'unreconciled', to: paths.unreconciled(org), label: `${t('clients')} › ${t('unrecTitle')}` },
        { id: 'runs', to: paths.runs(org), label: t('runsNav') },
        { id: 'audit', to: paths.audit(org), label: t('auditTitle') },
        ...(mayReadReports ? [{ id: 'reports', to: paths.reports(org), label: t('reportsNav') }] : []),
        ...(mayOpenSettings ? [{ id: 'settings', to: paths.settings(org), label: t('settings') }] : []),
      ]
    : [];
  const here = navigationOf[current];
  // On a phone or a narrow window (styles.css) the navigation folds behind a Menu button, so the bar stays one line.
  useEffect(() => setMenuOpen(false), [current, org]);
  return (
    <header className="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">✓</span> <span className="brand-name">{t('appName')}</span>
      </div>
      <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="top-nav" onClick={() => setMenuOpen((open) => !open)}>
        {t('menu')} <span aria-hidden="true">▾</span>
      </button>
      <nav id="top-nav" aria-label={t('clients')} className={`top-nav${menuOpen ? ' open' : ''}`}>
        {entries.map((entry) => (
          <Link key={entry.id} to={entry.to} className={`nav-link${entry.id === here ? ' current' : ''}`} aria-current={entry.id === here ? 'page' : undefined}>
            {entry.label}
          </Link>
        ))}
      </nav>
      <div className="top-tools">
        {session.organisations.length > 1 && (
          <label className="inline-field">
            <span className="organisation-label">{t('organisation')}</span>
            <select value={org ?? ''} onChange={(event) => navigate(paths.accounts(event.target.value))}>
              {session.organisations.map((membership) => (
                <option key={membership.slug} value={membership.slug}>
                  {membership.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <LanguageSwitch language={language} onChange={setLanguage} />
        <span className="who">{t('signedInAs', { email: session.email })}</span>
        <button type="button" className="button secondary" onClick={onSignOut} title={t('signedInAs', { email: session.email })}>
          {t('signOut')}
        </button>
      </div>
    </header>
  );
}

export function LanguageSwitch({ language, onChange }: { language: Language; onChange: (language: Language) => void }) {
  const { t } = useI18n();
  const compact = useNarrowScreen();
  return (
    <label className="inline-field">
      <span className="visually-hidden">{t('language')}</span>
      <select value={language} onChange={(event) => onChange(event.target.value as Language)}>
        <option value="en" lang="en">{compact ? 'EN' : 'English'}</option>
        <option value="fr" lang="fr">{compact ? 'FR' : 'Français'}</option>
      </select>
    </label>
  );
}
