import { createHash, randomBytes } from 'node:crypto';

/**
 * Session ids and API tokens are 256-bit random secrets. Only their SHA-256 is stored: a secret
 * this long cannot be guessed, so a slow hash adds nothing, and a leaked table reveals no secret.
 */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
