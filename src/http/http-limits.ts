/** Limits of the HTTP API, named once and documented in the OpenAPI description. */

/** A JSON request body; an invoice of 1,000 items fits in well under this. */
export const requestBodyBytesMax = 1_048_576;
/** A CSV import upload (all files together). */
export const importUploadBytesMax = 200 * 1_048_576;
/** Page sizes of lists. */
export const pageSizeMin = 10;
export const pageSizeMax = 100;
export const pageSizeDefault = 25;
/** Sign-in attempts at one email (however it is spelled: see core/email-address.ts) within the window, from anywhere. */
export const signInAttemptsMax = 10;
/** Sign-in attempts from one client address within the window, at any emails: password spraying across many accounts stops here. */
export const signInAttemptsPerAddressMax = 30;
export const signInWindowMs = 15 * 60 * 1000;
/** How many emails and addresses the sign-in failure counts remember at once (memory stays bounded under a spray). */
export const signInFailureKeysMax = 100_000;
/** Looking up and accepting invitations from one client address within the sign-in window. */
export const invitationAttemptsPerAddressMax = 30;
/** How long idempotency keys are honoured, by their age when looked up (at least 24 h as promised); pruned after this. */
export const idempotencyKeyRetentionHours = 48;
/** How long a request waits for a concurrent request with the same Idempotency-Key to finish. */
export const idempotencyWaitMs = 10_000;
export const idempotencyKeyLengthMax = 255;
/** Seconds a client is asked to wait (Retry-After) when the database is unreachable. */
export const databaseUnavailableRetryAfterSeconds = 5;
/**
 * A request holds its key in progress by a lease it renews every third of this while it runs; a
 * key whose lease lapsed belongs to a request whose process died, and a retry takes it over. A
 * request that merely runs long keeps its key.
 */
export const idempotencyClaimLeaseSeconds = 60;
/**
 * How deep a JSON body may nest arrays and objects. Tally's deepest body (an invoice's items) is
 * three levels; checks that walk a body recurse once per level, so the bound keeps them far
 * from the stack's end whatever a client sends.
 */
export const jsonDepthMax = 32;
/** Seconds a client is asked to wait (Retry-After) when heavy work is at its bound, or a statement ran too long. */
export const heavyWorkRetryAfterSeconds = 10;
