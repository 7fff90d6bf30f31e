import type { Refusal } from './outcome.ts';
import { refusalMessagesFr } from './refusal-messages-fr.ts';

/**
 * The languages refusals are said in. English is each refusal's own message (it names what and
 * where); French comes from the catalogue by code (refusal-messages-fr.ts), with the values the
 * refusal carries. The code, the status and `details` are the same in every language.
 */
export const refusalLanguages = ['en', 'fr'] as const;
export type RefusalLanguage = (typeof refusalLanguages)[number];

/** A refusal's message in the language; where the refusal names a place, the French sentence says it too. */
export function refusalMessageIn(language: RefusalLanguage, refusal: Refusal): string {
  if (language === 'en') return refusal.message;
  const entry = refusalMessagesFr[refusal.code];
  const values = { ...(refusal.values ?? {}), ...(refusal.path !== undefined && refusal.values?.path === undefined ? { path: refusal.path } : {}) };
  const sentence = typeof entry === 'string' ? entry : entry(values);
  // The place (a field, a line of a file) is said the same way in both languages.
  return refusal.path !== undefined && !sentence.includes(refusal.path) ? `${sentence} (${refusal.path})` : sentence;
}
