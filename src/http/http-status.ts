import { refusalCatalogue, type RefusalCode, type RefusalKind } from '../core/refusal-codes.ts';

/** The one place that maps a refusal's kind to an HTTP status. */
export const httpStatusOfKind: Readonly<Record<RefusalKind, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export function httpStatusOfRefusal(code: RefusalCode): number {
  return httpStatusOfKind[refusalCatalogue[code].kind];
}
