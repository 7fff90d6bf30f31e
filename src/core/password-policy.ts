import { commonPasswords } from './common-passwords.ts';
import { normaliseEmail } from './email-address.ts';
import { passwordLengthMax, passwordLengthMin } from './limits.ts';
import { refuse } from './outcome.ts';

/**
 * What a new password must be, wherever one is chosen (adding a member from the command line,
 * accepting an invitation): long enough, not one of the most common passwords, and not the email
 * it signs in with nor that email's local part. Compared without case and without the spaces and
 * invisible characters around it, which would not make a guess any harder.
 */
export function checkNewPassword(password: string, email: string, path = 'password'): void {
  if (password.length < passwordLengthMin || password.length > passwordLengthMax) {
    refuse('value_is_not_allowed', `A password has ${passwordLengthMin} to ${passwordLengthMax} characters`, {
      path, values: { rule: 'password_length', minimum: String(passwordLengthMin), maximum: String(passwordLengthMax) },
    });
  }
  const plain = normaliseEmail(password);
  if (commonPasswords.has(plain)) refuse('password_is_too_common', 'This password is one of the most common ones; choose another', { path });
  const address = normaliseEmail(email);
  const localPart = address.slice(0, address.lastIndexOf('@'));
  if (plain === address || (localPart !== '' && plain === localPart)) refuse('password_matches_email', 'A password cannot be the email address or its part before the @', { path });
}
