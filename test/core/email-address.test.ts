import { describe, expect, it } from 'vitest';
import { isEmailAddress, normaliseEmail } from '../../src/core/email-address.ts';

describe('email addresses', () => {
  it('are one address however they are spelled: case, spaces and invisible characters around or inside, composed or decomposed accents', () => {
    const spellings = ['Renée@Example.org', '  renee@example.org'.replace('renee', 'renée'), '\u200brenée@example.org\ufeff', 'ren\u0065\u0301e@example.org', '\u00a0RENÉE@EXAMPLE.ORG\t', 'ren\u200dée@exa\u202emple.org'];
    expect(new Set(spellings.map(normaliseEmail))).toEqual(new Set(['renée@example.org']));
  });

  it('keep their shape check: something@domain.tld without spaces', () => {
    expect(['a@b.co', 'first.last@example.org'].map(isEmailAddress)).toEqual([true, true]);
    expect(['a@b', 'a b@c.org', '@example.org', 'a@.'].map(isEmailAddress)).toEqual([false, false, false, false]);
  });
});
