import type { Fields } from '../core/ledger-rows.ts';
import { RefusalError, type Outcome } from '../core/outcome.ts';

/**
 * Runs a core row parser on a JSON object. JSON booleans become the "true"/"false" text the
 * parsers read (the same parsers as CSV), and a refusal's field path is prefixed with where the
 * object sits in the body, e.g. `items[2].amount`.
 */
export function parseJsonRow<T>(parser: (fields: Fields) => Outcome<T>, body: Record<string, unknown>, prefix = ''): T {
  const fields: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    fields[name] = typeof value === 'string' ? value : String(value);
  }
  const outcome = parser(fields);
  if (outcome.ok) return outcome.value;
  const path = outcome.refusal.path ? `${prefix}${outcome.refusal.path}` : prefix.replace(/\.$/, '');
  throw new RefusalError({ ...outcome.refusal, ...(path ? { path } : {}) });
}

/** Returns the outcome's value or throws its refusal for the error handler to send. */
export function valueOrThrow<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new RefusalError(outcome.refusal);
  return outcome.value;
}
