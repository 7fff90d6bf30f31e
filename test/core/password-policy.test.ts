import { describe, expect, it } from 'vitest';
import { commonPasswords } from '../../src/core/common-passwords.ts';
import { outcomeOfSync } from '../support/outcome-of-sync.ts';
import { checkNewPassword } from '../../src/core/password-policy.ts';

describe('the password policy', () => {
  const refusalOf = (password: string, email = 'renee.tremblay@example.org') => outcomeOfSync(() => checkNewPassword(password, email));

  it('refuses the most common passwords, whatever their case and the spaces around them', () => {
    expect(commonPasswords.size).toBeGreaterThan(1000);
    for (const password of ['password123', 'PASSWORD123', ' qwertyuiop ', '1234567890', 'basketball', 'iloveyou123']) expect([password, refusalOf(password)]).toEqual([password, 'password_is_too_common']);
  });

  it('refuses the email and its local part', () => {
    expect(refusalOf('renee.tremblay@example.org')).toBe('password_matches_email');
    expect(refusalOf('Renee.Tremblay')).toBe('password_matches_email');
    expect(refusalOf(' RENEE.TREMBLAY@EXAMPLE.ORG')).toBe('password_matches_email');
  });

  it('keeps the length rule and accepts a long uncommon password', () => {
    expect(refusalOf('short')).toBe('value_is_not_allowed');
    expect(refusalOf('x'.repeat(201))).toBe('value_is_not_allowed');
    expect(refusalOf('maple syrup on a snowy tuesday')).toBeNull();
  });
});
