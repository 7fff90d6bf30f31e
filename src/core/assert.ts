/**
 * Assertions are for programmer errors: a broken invariant means the code is wrong, so it must
 * fail loudly rather than continue with bad money. Expected business outcomes are never asserted;
 * they are returned as typed refusals (see outcome.ts).
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
