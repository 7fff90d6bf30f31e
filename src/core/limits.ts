/**
 * Every limit of the system, named once. Code asserts against these rather than literals so a
 * limit can be found, documented and changed in one place.
 */

/** The largest amount of one document, in minor units: ten trillion cents is far above any registration. */
export const amountMinorMax = 1_000_000_000_000_000n;
/**
 * The largest total of one account on each side (its invoice items and refunds; its payments,
 * deposits, credits and cancellations), voided documents included, in minor units. Every sum over
 * one account — its balance, what is open, one invoice's items, what a run allocated to it — is at
 * most this, nine times below the largest bigint, so no sum of one account can overflow 64 bits.
 * Far above any real account (ten quadrillion dollars); enforced by the account row's CHECK
 * (migration 0065, which states the same number) and refused first by the writers with the row at fault.
 */
export const accountTotalMinorMax = 1_000_000_000_000_000_000n;
/** Decimal places a currency may have; ISO 4217 uses at most 4 (e.g. CLF). */
export const minorDigitsMax = 4;
/** Items on one invoice. */
export const invoiceItemsMax = 1_000;
/** Lines in one manual allocation request. */
export const allocationLinesMax = 1_000;
/** Accounts named explicitly in one reconciliation run (the --account list); "all" has no such list. */
export const runAccountIdsMax = 10_000;
/**
 * Accounts reconciled per transaction in a bulk run: bounds a transaction's size and gives progress
 * steps. 10,000 measured fastest of 5,000 / 10,000 / 20,000 at 100,000 accounts (docs/benchmarks.md).
 */
export const runBatchAccountsMax = 10_000;
/**
 * Batches of one run in flight at once on PostgreSQL, each on its own connection (they hold
 * disjoint accounts, so they never wait on each other's rows). PGlite has one connection: one.
 */
export const runBatchesConcurrentMax = 2;
/** Attempts of a transaction that failed on a deadlock or serialization conflict before giving up. */
export const transactionAttemptsMax = 5;
/** Length of free text fields (names, descriptions, references). */
export const textLengthMax = 500;
/** Length of external ids (account id, invoice id, receipt id...). */
export const externalIdLengthMax = 100;
/** Rows sent to the database in one statement during import and generation. */
export const importBatchRowsMax = 5_000;
/** Rows fetched per page while exporting. */
export const exportPageRowsMax = 10_000;
/** Accounts listed with their reason in a run summary; the counts cover all of them. */
export const runSummaryAccountsListedMax = 20;
/** Rows shown by `tally unreconciled` per page. */
export const listPageSizeMax = 100;
/** Length of a password: the rule the sign-up form states up front and the server enforces. */
export const passwordLengthMin = 10;
export const passwordLengthMax = 200;
/** How long an invitation link to join an organisation can be used. */
export const invitationLifetimeDays = 7;
/**
 * Time bounds of one SQL statement (PostgreSQL's statement_timeout): an interactive request's,
 * a heavy request's (previews, imports, exports, downloads: as long as the HTTP request may last),
 * and a background run's batch.
 */
export const requestStatementTimeoutMs = 30_000;
export const heavyWorkStatementTimeoutMs = 120_000;
export const backgroundStatementTimeoutMs = 600_000;
/**
 * Heavy work (runs, previews, imports, exports, report downloads) in one server process: at most
 * this many heavy requests at once in all, and per organisation, past which a request is refused
 * (429 heavy_work_limit_reached); on PostgreSQL they share a pool of their own of this many
 * connections, so the interactive pool stays free.
 */
export const heavyWorkConcurrentMax = 4;
export const heavyWorkPerOrganisationMax = 2;
export const heavyWorkConnectionsMax = 4;
