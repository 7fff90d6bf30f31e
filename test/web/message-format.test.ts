import { describe, expect, it } from 'vitest';
import { formatMessage, pluralFormOf, type PluralMessage } from '../../src/web/message-format.ts';

/** The page's messages with a number, as the i18n tables word them (`en-CA` and `fr-CA`, as the page's languages are). */
const accountsEnglish: PluralMessage = { one: '{count} account', other: '{count} accounts' };
const accountsFrench: PluralMessage = { one: '{count} compte', other: '{count} comptes' };

describe('plural messages', () => {
  it('says "1 account" but "0 accounts" and "2 accounts" in English', () => {
    expect([0, 1, 2].map((count) => formatMessage(accountsEnglish, { count }, 'en-CA'))).toEqual(['0 accounts', '1 account', '2 accounts']);
  });

  it('says "0 compte" and "1 compte" but "2 comptes" in French, where 0 is singular', () => {
    expect([0, 1, 2].map((count) => formatMessage(accountsFrench, { count }, 'fr-CA'))).toEqual(['0 compte', '1 compte', '2 comptes']);
  });

  it('takes "other" for a category the message leaves out (French "many", for millions)', () => {
    expect(new Intl.PluralRules('fr-CA').select(1_000_000)).toBe('many');
    expect(pluralFormOf(accountsFrench, 1_000_000, 'fr-CA')).toBe('{count} comptes');
  });

  it('groups numbers for the language and fills every placeholder, the count among them', () => {
    const range: PluralMessage = { one: '{from}–{to} of {count} account', other: '{from}–{to} of {count} accounts' };
    expect(formatMessage(range, { from: 1, to: 25, count: 5000 }, 'en-CA')).toBe('1–25 of 5,000 accounts');
    expect(formatMessage(accountsFrench, { count: 5000 }, 'fr-CA')).toMatch(/^5\s000 comptes$/);
    expect(formatMessage('Remove {email}', { email: 'a@example.org' }, 'en-CA')).toBe('Remove a@example.org');
    // A placeholder without a value is left as it is, so the gap shows rather than hides.
    expect(formatMessage('Reconcile {kind} {id}', { id: 'P1' }, 'en-CA')).toBe('Reconcile {kind} P1');
  });

  it('refuses a plural message without its number rather than guess a form', () => {
    expect(() => formatMessage(accountsEnglish, undefined, 'en-CA')).toThrow(/needs a number \{count\}/);
    expect(() => formatMessage(accountsEnglish, { count: '2' }, 'en-CA')).toThrow(/needs a number \{count\}/);
  });
});
