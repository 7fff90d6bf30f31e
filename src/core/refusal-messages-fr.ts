import type { RefusalCode } from './refusal-codes.ts';

/**
 * Every refusal in French, by code. The English words are the refusal's own message, written where
 * it is refused (it names the document, the amount, the field); here each code has its sentence,
 * and the codes whose refusal carries `values` (refusal-language.ts) name them too. A test checks
 * that every code has one.
 */
export type RefusalValues = Readonly<Record<string, string>>;
export type RefusalMessageFr = string | ((values: RefusalValues) => string);

const quoted = (text: string | undefined) => (text === undefined ? '' : ` « ${text} »`);

export const refusalMessagesFr: Readonly<Record<RefusalCode, RefusalMessageFr>> = {
  field_is_required: 'Un champ obligatoire est absent ou vide.',
  value_is_not_allowed: 'La valeur n’est pas permise à cet endroit.',
  text_is_too_long: 'Le texte dépasse la longueur permise.',
  amount_is_not_a_decimal: (values) => `Le montant${quoted(values.text)} n’est pas un nombre décimal comme 60 ou 60.00.`,
  amount_has_too_many_decimals: (values) => `Le montant${quoted(values.text)} a plus de décimales que la devise.`,
  amount_is_negative: (values) => `Le montant${quoted(values.text)} est négatif.`,
  amount_must_be_positive: 'Le montant doit être supérieur à zéro.',
  amount_is_too_large: 'Le montant dépasse le plus grand montant accepté par Tally.',
  date_is_invalid: (values) => `La date${quoted(values.text)} n’est pas une date réelle écrite AAAA-MM-JJ.`,
  boolean_is_invalid: 'La valeur doit être true, false ou vide.',
  email_is_invalid: 'L’adresse courriel n’est pas valide.',
  currency_is_unknown: 'La devise n’est pas un code ISO 4217.',
  slug_is_invalid: 'L’identifiant de l’organisation ne peut contenir que des minuscules, des chiffres et des traits d’union.',
  too_many_items: 'La demande contient plus d’éléments que sa limite.',
  invoice_has_no_items: 'Une facture a besoin d’au moins un article.',
  csv_header_is_missing: 'Le fichier CSV n’a pas de ligne d’en-tête.',
  csv_column_is_missing: 'Une colonne obligatoire manque dans l’en-tête CSV.',
  csv_column_is_unknown: 'L’en-tête CSV nomme une colonne que ce fichier n’a pas.',
  csv_row_is_malformed: 'La ligne CSV ne peut pas être lue (guillemets, nombre de colonnes).',
  csv_file_is_unknown: 'Le dossier d’importation contient un fichier CSV que Tally ne lit pas.',
  accounts_file_is_missing: 'Un dossier d’importation doit contenir accounts.csv.',

  organisation_not_found: 'Aucune organisation n’a cet identifiant.',
  account_not_found: (values) => (values.id ? `Aucun compte n’a le numéro ${values.id} dans l’organisation.` : 'Aucun compte n’a ce numéro dans l’organisation.'),
  participant_not_found: 'Aucun participant n’a ce numéro dans l’organisation.',
  document_not_found: (values) => (values.id ? `Aucune facture, aucun article, reçu ni remboursement n’a le numéro ${values.id}.` : 'Aucune facture, aucun article, reçu ni remboursement n’a ce numéro dans l’organisation.'),
  reference_not_found: 'La référence ne nomme aucune facture, aucun article ni remboursement de l’organisation.',
  allocation_not_found: 'Aucune conciliation ne correspond.',
  run_not_found: (values) => (values.run ? `Aucune exécution n’a le numéro ${values.run} dans l’organisation.` : 'Aucune exécution de conciliation n’a ce numéro dans l’organisation.'),
  user_not_found: 'Aucun membre de l’organisation n’a ce numéro.',
  token_not_found: 'Aucun jeton d’API n’a ce numéro dans l’organisation.',
  route_not_found: 'Aucune route de l’API ne répond à cette méthode et à ce chemin.',

  organisation_exists: 'Une organisation avec cet identifiant existe déjà.',
  id_exists_with_different_content: 'Le numéro est déjà utilisé par un enregistrement dont le contenu diffère.',
  participant_in_another_account: 'Le participant appartient à un autre compte.',
  reference_in_another_account: 'Le document référencé appartient à un autre compte.',
  reference_is_not_allowed: 'Ce type de document ne peut pas référencer ce type de document.',
  cancellation_requires_item_reference: 'Une annulation doit nommer l’article de facture qu’elle annule.',
  cancellation_exceeds_item_amount: 'Les annulations de l’article dépasseraient son montant.',
  payment_is_not_scheduled: 'Seul un versement planifié peut être encaissé.',
  document_is_void: (values) => (values.id ? `${values.id} est invalidé.` : 'Le document est invalidé.'),
  document_cannot_be_voided: 'Seuls les paiements peuvent être invalidés.',
  reconciliation_disabled: 'La conciliation est désactivée pour l’organisation.',
  document_is_not_a_credit: 'Le document n’est ni un paiement, ni un dépôt, ni un crédit, ni une annulation.',
  document_is_not_a_debit: 'Le document n’est ni un article de facture ni un remboursement.',
  accounts_differ: (values) => (values.credit && values.debit ? `${values.credit} et ${values.debit} appartiennent à des comptes différents.` : 'Le crédit et le débit appartiennent à des comptes différents.'),
  exceeds_credit_remaining: (values) => (values.id ? `${values.id} n’a plus que ${values.remaining} à répartir.` : 'Le montant dépasse ce qui reste à répartir du crédit.'),
  exceeds_debit_remaining: (values) => (values.id ? `${values.id} n’a plus que ${values.remaining} à couvrir.` : 'Le montant dépasse ce qui reste à couvrir du débit.'),
  allocation_exceeds_remaining: 'La base de données a refusé une conciliation au-delà du reste d’un document (une modification simultanée l’a emporté); rien n’a été écrit.',
  allocation_already_removed: 'La conciliation a déjà été retirée.',
  allocation_is_duplicated: 'Le même crédit et le même débit figurent deux fois dans la demande.',
  run_already_undone: (values) => (values.run ? `L’exécution ${values.run} a déjà été défaite.` : 'L’exécution a déjà été défaite.'),
  run_is_not_finished: (values) => (values.run ? `L’exécution ${values.run} n’est pas terminée.` : 'L’exécution n’est pas terminée.'),
  balance_is_not_owing: 'Le compte n’a aucun solde dû à payer.',
  amount_differs_from_balance: 'Un paiement du solde doit être égal au solde du compte.',

  last_owner_cannot_leave: 'Une organisation garde au moins un propriétaire : nommez d’abord quelqu’un d’autre propriétaire.',
  run_is_finished: (values) => (values.run ? `L’exécution ${values.run} est déjà terminée et ne peut pas être annulée.` : 'L’exécution est déjà terminée et ne peut pas être annulée.'),

  permission_denied: 'Votre rôle n’a pas la permission que demande cette action.',
  not_signed_in: 'Connectez-vous, ou envoyez un jeton d’API valide.',
  sign_in_failed: 'Le courriel ou le mot de passe est erroné.',
  csrf_token_invalid: 'L’en-tête X-CSRF-Token est absent ou ne correspond pas à la session.',
  too_many_requests: 'Trop de tentatives; attendez avant de réessayer.',
  request_is_invalid: (values) => (values.path ? `La demande n’est pas conforme au schéma de l’API, à ${values.path}.` : 'La demande n’est pas conforme au schéma de l’API (type, champ obligatoire, champ inconnu, format).'),
  body_is_not_json: 'Le corps de la demande n’est pas du JSON valide.',
  body_is_too_large: 'Le corps de la demande dépasse la limite.',
  media_type_is_unsupported: 'Ce Content-Type n’est pas accepté par cette route.',
  method_not_allowed: 'Ce chemin ne répond pas à cette méthode.',
  idempotency_key_reused: 'Cette Idempotency-Key a déjà servi avec un autre corps de demande.',
  idempotency_key_in_progress: 'Une demande avec cette Idempotency-Key est encore en cours; réessayez dans un instant.',
  citus_is_not_installed: 'La base de données n’a pas l’extension Citus : ses tables ne peuvent pas être distribuées (tally migrate --distribute).',
  table_is_placed_otherwise: 'Une table de la grappe Citus est placée autrement que le prévoit Tally (autre colonne de distribution, autre colocalisation, ou table de référence).',
  idempotency_key_is_invalid: 'L’Idempotency-Key doit avoir de 1 à 255 caractères visibles.',
  report_period_is_reversed: (values) => (values.from && values.to ? `Le premier jour ${values.from} vient après le dernier jour ${values.to}.` : 'Le premier jour du rapport vient après son dernier jour.'),
  year_is_invalid: (values) => `L’année${quoted(values.text)} ne s’écrit pas avec quatre chiffres.`,
  instant_is_invalid: (values) => `L’instant${quoted(values.text)} n’est pas au format ISO 8601 avec un fuseau, comme 2026-11-30T12:00:00Z.`,
};

/** A failure on the server's side, not a refusal: said in French too. */
export const internalErrorMessageFr = 'Un problème est survenu de notre côté; il a été consigné.';
