import type { RefusalCode } from './refusal-codes.ts';

/**
 * A refusal is an expected business outcome ("the amount exceeds the credit's remainder"), not a
 * crash. It carries a sentence-like code from the one catalogue, a message for people, and where
 * the problem is (a JSON path, or a file, line and column for CSV input).
 */
export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
  readonly path?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** What the refusal names (a document id, an amount), for its message in other languages (refusal-language.ts). */
  readonly values?: Readonly<Record<string, string>>;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: Refusal };

export function accepted<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function refused<T = never>(code: RefusalCode, message: string, extra: { path?: string; details?: Record<string, unknown>; values?: Record<string, string> } = {}): Outcome<T> {
  return { ok: false, refusal: { code, message, ...extra } };
}

/**
 * Thrown inside a transaction to unwind it when a refusal is found part-way; services catch it at
 * their boundary and return the refusal, so callers only ever see an Outcome.
 */
export class RefusalError extends Error {
  override readonly name = 'RefusalError';
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

export function refuse(code: RefusalCode, message: string, extra: { path?: string; details?: Record<string, unknown>; values?: Record<string, string> } = {}): never {
  throw new RefusalError({ code, message, ...extra });
}

/** Returns the value or throws the refusal, for use inside a transaction that must unwind. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new RefusalError(outcome.refusal);
  return outcome.value;
}
