import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords are hashed with scrypt, a memory-hard function built into Node (no native module to
 * compile). Parameters are stored with each hash so they can be raised later without a migration.
 * N = 2^15 with r = 8 uses 32 MiB per hash, the OWASP recommendation for scrypt.
 */
export const passwordHashCost = { N: 32_768, r: 8, p: 1 } as const;
export { passwordLengthMax, passwordLengthMin } from '../../core/limits.ts';
const keyLengthBytes = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLengthBytes, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, passwordHashCost);
  return ['scrypt', passwordHashCost.N, passwordHashCost.r, passwordHashCost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, cost, blockSize, parallelism, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(cost), r: Number(blockSize), p: Number(parallelism) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password, compared against when the email is unknown, so timing does not reveal which emails exist. */
export const decoyPasswordHash = await hashPassword(randomBytes(24).toString('base64url'));
