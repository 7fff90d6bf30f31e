/**
 * Failed attempts per key (an email, a client address) within a sliding window, kept in this
 * process. Only failures count: a member who signs in correctly ten times in a few minutes (several
 * tabs, scripts) is never locked out, while guessing stops at the bound. @fastify/rate-limit counts
 * every request and cannot be asked without counting, so sign-in keeps its own small ledger.
 */
export interface FailedAttempts {
  /** Seconds until the key may try again, or 0 when it may try now. */
  waitSeconds(key: string, nowMs: number): number;
  recordFailure(key: string, nowMs: number): void;
}

export function failedAttempts(options: { max: number; windowMs: number; keysMax: number }): FailedAttempts {
  const failures = new Map<string, number[]>();
  const recent = (key: string, nowMs: number): number[] => {
    const kept = (failures.get(key) ?? []).filter((atMs) => atMs > nowMs - options.windowMs);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  };
  return {
    waitSeconds(key, nowMs) {
      const kept = recent(key, nowMs);
      if (kept.length < options.max) return 0;
      return Math.max(1, Math.ceil((kept[kept.length - options.max]! + options.windowMs - nowMs) / 1000));
    },
    recordFailure(key, nowMs) {
      const kept = recent(key, nowMs);
      kept.push(nowMs);
      failures.delete(key);
      failures.set(key, kept);
      // Bounded memory under a spray of distinct keys: the least recently failed key goes first.
      while (failures.size > options.keysMax) failures.delete(failures.keys().next().value!);
    },
  };
}
