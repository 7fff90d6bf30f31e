import type { Refusal } from '../core/outcome.ts';
import { exitCodeOfRefusal } from './exit-codes.ts';

/** Thrown by commands to stop with a refusal; main prints it and exits with its code. */
export class CliRefusal extends Error {
  override readonly name = 'CliRefusal';
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** Returns the outcome's value, or stops the command with its refusal. */
export function orStop<T>(outcome: { ok: true; value: T } | { ok: false; refusal: Refusal }): T {
  if (!outcome.ok) throw new CliRefusal(outcome.refusal);
  return outcome.value;
}

/** `error: <where>: <message> [<code>]`, one line, on standard error. */
export function formatRefusal(refusal: Refusal): string {
  return `error: ${refusal.path ? `${refusal.path}: ` : ''}${refusal.message} [${refusal.code}]`;
}

export function reportRefusal(refusal: Refusal): number {
  process.stderr.write(`${formatRefusal(refusal)}\n`);
  return exitCodeOfRefusal(refusal.code);
}

/** JSON with bigint amounts as strings, so no consumer ever parses money into a float. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), 2);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}
