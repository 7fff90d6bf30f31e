import { describe, expect, it } from 'vitest';
import { ActionKeys, randomActionKey } from '../../src/web/action-keys.ts';

/** The bookkeeping behind the web page's Idempotency-Keys, with a clock and keys the test controls. */
describe('ActionKeys', () => {
  function keysAt(startMs: number) {
    let nowMs = startMs;
    let counter = 0;
    const keys = new ActionKeys(1000, () => `key-${(counter += 1)}`, () => nowMs);
    return { keys, advance: (byMs: number) => (nowMs += byMs) };
  }

  it('gives an open action its key again until it is settled, then opens a new one', () => {
    const { keys } = keysAt(0);
    expect(keys.keyFor('POST /a\n{}')).toBe('key-1');
    expect(keys.keyFor('POST /a\n{}')).toBe('key-1');
    expect(keys.keyFor('POST /a\n{"other":1}')).toBe('key-2');
    keys.settle('POST /a\n{}', 'key-1');
    expect(keys.keyFor('POST /a\n{}')).toBe('key-3');
  });

  it('takes an identical request after the retry window for a new action', () => {
    const { keys, advance } = keysAt(0);
    expect(keys.keyFor('POST /a\n{}')).toBe('key-1');
    advance(1000);
    expect(keys.keyFor('POST /a\n{}')).toBe('key-1');
    advance(1);
    expect(keys.keyFor('POST /a\n{}')).toBe('key-2');
  });

  it('does not let a late answer under an older key close the newer action of the same request', () => {
    const { keys } = keysAt(0);
    keys.keyFor('POST /a\n{}');
    keys.settle('POST /a\n{}', 'key-1');
    expect(keys.keyFor('POST /a\n{}')).toBe('key-2');
    keys.settle('POST /a\n{}', 'key-1');
    expect(keys.keyFor('POST /a\n{}')).toBe('key-2');
  });

  it('makes keys the server accepts (visible ASCII), different each time', () => {
    const made = new Set(Array.from({ length: 100 }, randomActionKey));
    expect(made.size).toBe(100);
    for (const key of made) expect(key).toMatch(/^web-[0-9a-f]{32}$/);
  });
});
