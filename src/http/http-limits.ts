/** Limits of the HTTP API, named once and documented in the OpenAPI description. */

/** A JSON request body; an invoice of 1,000 items fits in well under this. */
export const requestBodyBytesMax = 1_048_576;
/** A CSV import upload (all files together). */
export const importUploadBytesMax = 200 * 1_048_576;
/** Page sizes of lists. */
export const pageSizeMin = 10;
export const pageSizeMax = 100;
export const pageSizeDefault = 25;
/** Sign-in attempts per client address and email within the window. */
export const signInAttemptsMax = 10;
export const signInWindowMs = 15 * 60 * 1000;
/** How long idempotency keys are kept (at least 24 h as promised; pruned after this). */
export const idempotencyKeyRetentionHours = 48;
/** How long a request waits for a concurrent request with the same Idempotency-Key to finish. */
export const idempotencyWaitMs = 10_000;
export const idempotencyKeyLengthMax = 255;
/** Seconds a client is asked to wait (Retry-After) when the database is unreachable. */
export const databaseUnavailableRetryAfterSeconds = 5;
/** Seconds a client is asked to wait (Retry-After) when heavy work is at its bound, or a statement ran too long. */
export const heavyWorkRetryAfterSeconds = 10;
/** A key still in progress after this long belongs to a request whose process died; a retry takes it over. */
export const idempotencyAbandonedAfterSeconds = 300;
