/**
 * The one catalogue of refusal codes. Every expected business outcome that is not success has a
 * code here, named so it reads as a sentence. `kind` groups them for the adapters: the HTTP API
 * maps a kind to a status and the command line to an exit code, in one place each.
 * docs/errors.md documents every code; a test checks that the two agree.
 */
export const refusalKinds = ['invalid', 'not_found', 'conflict', 'forbidden', 'unauthorized', 'rate_limited', 'too_large', 'unsupported', 'unprocessable'] as const;
export type RefusalKind = (typeof refusalKinds)[number];

export const refusalCatalogue = {
  // Input that is malformed or out of range.
  field_is_required: { kind: 'invalid', description: 'A required field is missing or empty.' },
  value_is_not_allowed: { kind: 'invalid', description: 'The value is not one of the allowed values.' },
  text_is_too_long: { kind: 'invalid', description: 'The text is longer than its limit.' },
  amount_is_not_a_decimal: { kind: 'invalid', description: 'The amount is not a plain decimal number such as 60 or 60.00.' },
  amount_has_too_many_decimals: { kind: 'invalid', description: "The amount has more decimals than the currency's minor unit." },
  amount_is_negative: { kind: 'invalid', description: 'The amount is below zero.' },
  amount_must_be_positive: { kind: 'invalid', description: 'The amount must be greater than zero.' },
  amount_is_too_large: { kind: 'invalid', description: 'The amount is larger than the largest amount Tally accepts.' },
  date_is_invalid: { kind: 'invalid', description: 'The date is not a real calendar date written YYYY-MM-DD.' },
  boolean_is_invalid: { kind: 'invalid', description: 'The value is not true, false or empty.' },
  email_is_invalid: { kind: 'invalid', description: 'The email address is not valid.' },
  currency_is_unknown: { kind: 'invalid', description: 'The currency is not an ISO 4217 code.' },
  slug_is_invalid: { kind: 'invalid', description: 'The organisation slug must be lower-case letters, digits and dashes.' },
  too_many_items: { kind: 'invalid', description: 'The request has more entries than its limit.' },
  invoice_has_no_items: { kind: 'invalid', description: 'An invoice needs at least one item.' },
  csv_header_is_missing: { kind: 'invalid', description: 'The CSV file has no header row.' },
  csv_column_is_missing: { kind: 'invalid', description: 'A required column is missing from the CSV header.' },
  csv_column_is_unknown: { kind: 'invalid', description: 'The CSV header names a column this file does not have.' },
  csv_row_is_malformed: { kind: 'invalid', description: 'The CSV row cannot be parsed (quotes, column count).' },
  csv_file_is_unknown: { kind: 'invalid', description: 'The import folder holds a CSV file Tally does not read.' },
  accounts_file_is_missing: { kind: 'invalid', description: 'An import folder must contain accounts.csv.' },

  // Things that do not exist (or belong to another organisation, which is the same to the caller).
  organisation_not_found: { kind: 'not_found', description: 'No organisation has this slug.' },
  account_not_found: { kind: 'not_found', description: 'No account has this id in the organisation.' },
  participant_not_found: { kind: 'not_found', description: 'No participant has this id in the organisation.' },
  document_not_found: { kind: 'not_found', description: 'No invoice, item, receipt or refund has this id in the organisation.' },
  reference_not_found: { kind: 'not_found', description: 'The reference names no invoice, item or refund of the organisation.' },
  allocation_not_found: { kind: 'not_found', description: 'No reconciliation matches.' },
  run_not_found: { kind: 'not_found', description: 'No reconciliation run has this id in the organisation.' },
  user_not_found: { kind: 'not_found', description: 'No member of the organisation has this id.' },
  token_not_found: { kind: 'not_found', description: 'No API token has this id in the organisation.' },
  route_not_found: { kind: 'not_found', description: 'No API route answers this method and path.' },

  // Requests that conflict with what is stored.
  organisation_exists: { kind: 'conflict', description: 'An organisation with this slug already exists.' },
  id_exists_with_different_content: { kind: 'conflict', description: 'The id is already used by a record whose content differs.' },
  participant_in_another_account: { kind: 'conflict', description: 'The participant belongs to another account.' },
  reference_in_another_account: { kind: 'conflict', description: 'The referenced document belongs to another account.' },
  reference_is_not_allowed: { kind: 'conflict', description: 'This kind of document cannot reference that kind of document.' },
  cancellation_requires_item_reference: { kind: 'invalid', description: 'A cancellation must reference the invoice item it cancels.' },
  cancellation_exceeds_item_amount: { kind: 'conflict', description: "Cancellations of an item would exceed the item's amount." },
  payment_is_not_scheduled: { kind: 'conflict', description: 'Only a scheduled installment can be collected.' },
  document_is_void: { kind: 'conflict', description: 'The document is voided.' },
  document_cannot_be_voided: { kind: 'conflict', description: 'Only payments can be voided.' },
  reconciliation_disabled: { kind: 'conflict', description: 'Reconciliation is turned off for the organisation.' },
  document_is_not_a_credit: { kind: 'conflict', description: 'The document is not a payment, deposit, credit or cancellation.' },
  document_is_not_a_debit: { kind: 'conflict', description: 'The document is not an invoice item or a refund.' },
  accounts_differ: { kind: 'conflict', description: 'The credit and the debit belong to different accounts.' },
  exceeds_credit_remaining: { kind: 'conflict', description: "The amount is more than the credit's unallocated remainder." },
  exceeds_debit_remaining: { kind: 'conflict', description: "The amount is more than the debit's uncovered remainder." },
  allocation_exceeds_remaining: { kind: 'conflict', description: "The database refused an allocation above a document's remainder (a concurrent change won)." },
  allocation_already_removed: { kind: 'conflict', description: 'The reconciliation was already removed.' },
  allocation_is_duplicated: { kind: 'conflict', description: 'The same credit and debit appear twice in one request.' },
  run_already_undone: { kind: 'conflict', description: 'The run was already undone.' },
  run_is_not_finished: { kind: 'conflict', description: 'The run has not finished.' },
  balance_is_not_owing: { kind: 'conflict', description: 'The account has no balance owing to pay.' },
  amount_differs_from_balance: { kind: 'conflict', description: 'A balance payment must equal the account balance.' },

  last_owner_cannot_leave: { kind: 'conflict', description: 'An organisation keeps at least one owner.' },
  run_is_finished: { kind: 'conflict', description: 'The run has already finished and cannot be cancelled.' },

  // Access and HTTP protocol refusals.
  permission_denied: { kind: 'forbidden', description: 'The caller lacks the permission this action needs.' },
  not_signed_in: { kind: 'unauthorized', description: 'Sign in, or send a valid API token.' },
  sign_in_failed: { kind: 'unauthorized', description: 'The email or password is wrong.' },
  csrf_token_invalid: { kind: 'forbidden', description: 'The X-CSRF-Token header is missing or does not match the session.' },
  too_many_requests: { kind: 'rate_limited', description: 'Too many attempts; wait before trying again.' },
  request_is_invalid: { kind: 'invalid', description: 'The request does not match the API schema (type, required field, unknown field, format).' },
  body_is_not_json: { kind: 'invalid', description: 'The request body is not valid JSON.' },
  body_is_too_large: { kind: 'too_large', description: 'The request body is larger than the limit.' },
  citus_is_not_installed: { kind: 'unsupported', description: 'The database has no Citus extension, so its tables cannot be distributed (tally migrate --distribute).' },
  table_is_placed_otherwise: { kind: 'conflict', description: "A table on the Citus cluster is placed otherwise than Tally's plan (another distribution column, another colocation, or a reference table)." },
  media_type_is_unsupported: { kind: 'unsupported', description: 'The Content-Type is not one this route accepts.' },
  method_not_allowed: { kind: 'not_found', description: 'This path does not answer this method.' },
  idempotency_key_reused: { kind: 'unprocessable', description: 'The Idempotency-Key was already used with a different request body.' },
  idempotency_key_in_progress: { kind: 'conflict', description: 'A request with this Idempotency-Key is still running; retry shortly.' },
  idempotency_key_is_invalid: { kind: 'invalid', description: 'The Idempotency-Key must be 1 to 255 visible characters.' },

  // Reports.
  report_period_is_reversed: { kind: 'invalid', description: "The report's first day comes after its last day." },
  year_is_invalid: { kind: 'invalid', description: 'The year is not written with four digits (1900 to 9999).' },
  instant_is_invalid: { kind: 'invalid', description: 'The instant is not ISO 8601 with a zone offset or Z, such as 2026-11-30T12:00:00Z.' },
} as const satisfies Record<string, { kind: RefusalKind; description: string }>;

export type RefusalCode = keyof typeof refusalCatalogue;
export const refusalCodes = Object.keys(refusalCatalogue) as RefusalCode[];
