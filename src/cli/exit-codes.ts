import type { RefusalKind } from '../core/refusal-codes.ts';
import { refusalCatalogue, type RefusalCode } from '../core/refusal-codes.ts';

/**
 * Exit codes of `tally`, in one place. A refused request (bad input, unknown id, over-allocation)
 * exits with the code of its kind, so scripts can tell "fix your input" from "not found".
 */
export const exitCodes = {
  ok: 0,
  invalid: 65, // EX_DATAERR: the input is wrong (bad amount, bad CSV row).
  not_found: 66, // EX_NOINPUT: an id names nothing in the organisation.
  conflict: 67, // the request contradicts what is stored (over-allocation, id reused).
  forbidden: 77, // EX_NOPERM.
  unauthorized: 77,
  rate_limited: 75, // EX_TEMPFAIL: try again later.
  too_large: 65,
  unsupported: 65,
  unprocessable: 67,
  unavailable: 69, // EX_UNAVAILABLE: the database cannot be reached; try again later.
  usage: 64, // EX_USAGE: the command line itself is wrong.
  internal: 70, // EX_SOFTWARE: a bug; the message and stack go to standard error.
} as const satisfies Record<RefusalKind | 'ok' | 'usage' | 'internal', number>;

export function exitCodeOfRefusal(code: RefusalCode): number {
  return exitCodes[refusalCatalogue[code].kind];
}
