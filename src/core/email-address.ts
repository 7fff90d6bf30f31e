/**
 * The one normalisation of a person's email address, used wherever an email names a user: sign-in,
 * its attempt limit, adding and inviting members, the CLI. Two spellings that reach the same
 * account must reach the same limit, so the limit key and the account lookup both come from here.
 *
 * - NFC, so a composed and a decomposed accent are one address;
 * - invisible format characters (zero-width spaces and joiners, the byte-order mark, soft hyphens,
 *   bidirectional controls: Unicode category Cf) are removed wherever they are: they are never
 *   part of a real address and only make look-alikes;
 * - white space around it is removed (every Unicode space, non-breaking ones too);
 * - lower case: the domain is case-insensitive, and no mail service in use tells local parts
 *   apart by case.
 */
export function normaliseEmail(text: string): string {
  return text.normalize('NFC').replace(/\p{Cf}/gu, '').trim().toLowerCase();
}

/** The shape of an email address Tally accepts: something@domain.tld without spaces. */
export const emailAddressPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmailAddress(text: string): boolean {
  return emailAddressPattern.test(text);
}
