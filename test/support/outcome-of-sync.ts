import { RefusalError } from '../../src/core/outcome.ts';

/** The refusal code a core check throws, or null when it accepts. */
export function outcomeOfSync(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof RefusalError) return error.refusal.code;
    throw error;
  }
}
