import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

/** Every string the page shows, in English; the French table must have the same keys. */
const en = {
  appName: 'Tally',
  skipToContent: 'Skip to content',
  language: 'Language',
  signInTitle: 'Sign in to Tally',
  signInIntro: 'Billing reconciliation for your organisation.',
  email: 'Email',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {email}',
  organisation: 'Organisation',
  noOrganisation: 'Your account is not a member of any organisation yet.',
  clients: 'Clients',
  accounts: 'Accounts',
  search: 'Search',
  searchPlaceholder: 'Owner name, email or account id',
  unreconciledOnly: 'Has unreconciled items',
  sortBy: 'Sort by',
  sortOwner: 'Owner (A–Z)',
  sortOwnerDesc: 'Owner (Z–A)',
  sortAccount: 'Account id (ascending)',
  sortAccountDesc: 'Account id (descending)',
  sortCreated: 'Oldest first',
  sortCreatedDesc: 'Newest first',
  pageSize: 'Accounts per page',
  accountOwner: 'Account owner',
  accountId: 'Account',
  ownerEmail: 'Email',
  balance: 'Balance',
  unreconciled: 'Unreconciled',
  noAccounts: 'No account matches.',
  loading: 'Loading…',
  showing: '{from}–{to} of {total} accounts',
  previousPage: 'Previous page',
  nextPage: 'Next page',
  pageOf: 'Page {page} of {pages}',
  backToAccounts: 'Back to accounts',
  clientBilling: 'Client billing',
  openCredit: 'Unallocated credits',
  openDebit: 'Open charges',
  whatIsOpen: 'What is left open',
  documents: 'Documents (newest first)',
  date: 'Date',
  document: 'Document',
  kind: 'Type',
  description: 'Description',
  amount: 'Amount',
  allocated: 'Reconciled',
  remaining: 'Remainder',
  status: 'Status',
  reconciliations: 'Reconciliations',
  showReconciliations: 'Show reconciliations of {id}',
  hideReconciliations: 'Hide reconciliations of {id}',
  noReconciliations: 'Not reconciled with anything yet.',
  receipt: 'Credit',
  target: 'Charge',
  source: 'Source',
  by: 'By',
  statusFull: 'Fully reconciled',
  statusPartial: 'Partially reconciled',
  statusNone: 'Not reconciled',
  statusPostDated: 'Post-dated',
  statusVoid: 'Void',
  kindInvoice: 'Invoice',
  kindItem: 'Invoice item',
  kindRefund: 'Refund',
  kindPayment: 'Payment',
  kindDeposit: 'Deposit',
  kindCredit: 'Credit',
  kindCancellation: 'Cancellation',
  scheduled: 'scheduled',
  reasonInAgreement: 'Every credit and every charge is reconciled.',
  reasonCreditOnAccount: 'Credit on account, no open charges left.',
  reasonBalanceOwing: 'Balance owing, no unallocated credits left.',
  reasonUnreconciled: 'Unallocated credits and open charges remain; reconcile the account.',
  notFound: 'This page does not exist.',
  retry: 'Try again',
} as const;

export type MessageKey = keyof typeof en;
export type Language = 'en' | 'fr';

const fr: Record<MessageKey, string> = {
  appName: 'Tally',
  skipToContent: 'Aller au contenu',
  language: 'Langue',
  signInTitle: 'Connexion à Tally',
  signInIntro: 'Conciliation de la facturation de votre organisation.',
  email: 'Courriel',
  password: 'Mot de passe',
  signIn: 'Se connecter',
  signingIn: 'Connexion…',
  signOut: 'Se déconnecter',
  signedInAs: 'Connecté·e : {email}',
  organisation: 'Organisation',
  noOrganisation: 'Votre compte ne fait encore partie d’aucune organisation.',
  clients: 'Clients',
  accounts: 'Comptes',
  search: 'Rechercher',
  searchPlaceholder: 'Nom du titulaire, courriel ou numéro de compte',
  unreconciledOnly: 'A des éléments non conciliés',
  sortBy: 'Trier par',
  sortOwner: 'Titulaire (A–Z)',
  sortOwnerDesc: 'Titulaire (Z–A)',
  sortAccount: 'Numéro de compte (croissant)',
  sortAccountDesc: 'Numéro de compte (décroissant)',
  sortCreated: 'Plus anciens d’abord',
  sortCreatedDesc: 'Plus récents d’abord',
  pageSize: 'Comptes par page',
  accountOwner: 'Titulaire du compte',
  accountId: 'Compte',
  ownerEmail: 'Courriel',
  balance: 'Solde',
  unreconciled: 'Non conciliés',
  noAccounts: 'Aucun compte ne correspond.',
  loading: 'Chargement…',
  showing: '{from}–{to} sur {total} comptes',
  previousPage: 'Page précédente',
  nextPage: 'Page suivante',
  pageOf: 'Page {page} sur {pages}',
  backToAccounts: 'Retour aux comptes',
  clientBilling: 'Facturation du client',
  openCredit: 'Crédits non répartis',
  openDebit: 'Frais ouverts',
  whatIsOpen: 'Ce qui reste ouvert',
  documents: 'Documents (plus récents d’abord)',
  date: 'Date',
  document: 'Document',
  kind: 'Type',
  description: 'Description',
  amount: 'Montant',
  allocated: 'Concilié',
  remaining: 'Reste',
  status: 'État',
  reconciliations: 'Conciliations',
  showReconciliations: 'Afficher les conciliations de {id}',
  hideReconciliations: 'Masquer les conciliations de {id}',
  noReconciliations: 'Encore concilié avec rien.',
  receipt: 'Crédit',
  target: 'Frais',
  source: 'Origine',
  by: 'Par',
  statusFull: 'Entièrement concilié',
  statusPartial: 'Partiellement concilié',
  statusNone: 'Non concilié',
  statusPostDated: 'Postdaté',
  statusVoid: 'Annulé',
  kindInvoice: 'Facture',
  kindItem: 'Article de facture',
  kindRefund: 'Remboursement',
  kindPayment: 'Paiement',
  kindDeposit: 'Dépôt',
  kindCredit: 'Crédit',
  kindCancellation: 'Annulation',
  scheduled: 'planifié',
  reasonInAgreement: 'Chaque crédit et chaque frais est concilié.',
  reasonCreditOnAccount: 'Crédit au compte, plus aucun frais ouvert.',
  reasonBalanceOwing: 'Solde dû, plus aucun crédit non réparti.',
  reasonUnreconciled: 'Des crédits non répartis et des frais ouverts restent; conciliez le compte.',
  notFound: 'Cette page n’existe pas.',
  retry: 'Réessayer',
};

export const messages: Record<Language, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const table = messages[language];
  return (key, values) => table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (values && name in values ? String(values[name]) : whole));
}

interface I18n {
  readonly language: Language;
  readonly t: Translate;
  /** Formats a decimal amount string from the API ("1234.50") for display, keeping its digits. */
  readonly money: (amount: string) => string;
  setLanguage(language: Language): void;
}

const I18nContext = createContext<I18n | null>(null);
const storageKey = 'tally.language';

function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(storageKey);
  if (stored === 'en' || stored === 'fr') return stored;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const value = useMemo<I18n>(() => {
    const locale = language === 'fr' ? 'fr-CA' : 'en-CA';
    return {
      language,
      t: translator(language),
      money: (amount) => formatAmount(amount, locale),
      setLanguage(next) {
        localStorage.setItem(storageKey, next);
        document.documentElement.lang = next;
        setLanguageState(next);
      },
    };
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/**
 * Groups the integer part of a decimal string for display without going through floating point
 * (amounts are exact decimals; a float could round them). No currency sign: the organisation's
 * currency is the same on every line.
 */
export function formatAmount(amount: string, locale: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount);
  if (!match) return amount;
  const [, sign, whole, fraction] = match;
  const grouped = BigInt(whole!).toLocaleString(locale);
  const decimalSeparator = locale.startsWith('fr') ? ',' : '.';
  return `${sign === '-' ? '\u2212' : ''}${grouped}${fraction ? `${decimalSeparator}${fraction}` : ''}`;
}
