import { describe, expect, it } from 'vitest';
import { failedAttempts } from '../../src/http/failed-attempts.ts';

describe('failed attempts in a sliding window', () => {
  it('holds a key back once it failed max times within the window, until the oldest failure leaves it', () => {
    const limit = failedAttempts({ max: 3, windowMs: 60_000, keysMax: 10 });
    for (const atMs of [0, 10_000, 20_000]) {
      expect(limit.waitSeconds('a', atMs)).toBe(0);
      limit.recordFailure('a', atMs);
    }
    expect(limit.waitSeconds('a', 30_000)).toBe(30);
    expect(limit.waitSeconds('b', 30_000)).toBe(0);
    expect(limit.waitSeconds('a', 60_001)).toBe(0);
  });

  it('remembers at most keysMax keys, forgetting the least recently failed', () => {
    const limit = failedAttempts({ max: 1, windowMs: 60_000, keysMax: 2 });
    limit.recordFailure('a', 0);
    limit.recordFailure('b', 1);
    limit.recordFailure('a', 2);
    limit.recordFailure('c', 3);
    expect([limit.waitSeconds('a', 4) > 0, limit.waitSeconds('b', 4) > 0, limit.waitSeconds('c', 4) > 0]).toEqual([true, false, true]);
  });
});
