/**
 * The one rule for text people type into ids and names (CSV import, the API, the command line all
 * parse through core/ledger-rows.ts, which applies it):
 *
 * - text is stored in Unicode normalisation form C, so "é" typed as one character or as "e" and a
 *   combining accent is one id, one name;
 * - invisible characters (format characters: zero-width space, word joiner, byte-order mark, soft
 *   hyphen…) and bidirectional controls (U+202A–U+202E, U+2066–U+2069, marks U+200E, U+200F, U+061C)
 *   are refused: they make ids that look the same and differ, and reorder what a reader sees
 *   ("Trojan Source"). Names may keep the zero-width joiner and non-joiner (U+200C, U+200D), which
 *   Persian, Indic scripts and emoji need to be spelt right; ids may not;
 * - an id may not mix Latin, Greek and Cyrillic letters (`PАY-1` with a Cyrillic А), nor be
 *   written wholly in Greek or Cyrillic letters that each look like a Latin one (`РО-1`), so no
 *   id can pass for another. An id wholly in another script that does not look Latin (`Д1`,
 *   `Счёт-1`) is allowed: it cannot be mistaken for a Latin one.
 */

const allowedInNames = new Set(['\u200c', '\u200d']);

/** The first invisible or bidirectional control character, or null. */
export function firstInvisibleCharacter(value: string, options: { joinersAllowed: boolean }): { character: string; index: number } | null {
  const pattern = /\p{Cf}/gu;
  for (const match of value.matchAll(pattern)) {
    if (options.joinersAllowed && allowedInNames.has(match[0])) continue;
    return { character: match[0], index: match.index };
  }
  return null;
}

/** `U+200B`, how a refusal names an invisible character. */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Greek and Cyrillic letters that look like Latin ones (after Unicode's confusables table, the
 * letters used in practice): an id made only of these and non-letters passes for a Latin id.
 */
const latinLookAlikes = new Set([
  ...'АВЕЅІЈКМНОРСТХУаеорсухіјѕԁһӏԛԝ',
  ...'ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοϲνικ',
]);

type ScriptName = 'Latin' | 'Greek' | 'Cyrillic';

function scriptOf(character: string): ScriptName | null {
  if (/\p{Script=Latin}/u.test(character)) return 'Latin';
  if (/\p{Script=Greek}/u.test(character)) return 'Greek';
  if (/\p{Script=Cyrillic}/u.test(character)) return 'Cyrillic';
  return null;
}

/** Why an id could be mistaken for another, or null. */
export function confusableIdProblem(value: string): string | null {
  const scripts = new Set<ScriptName>();
  let lettersOutsideLatin = 0;
  let lookAlikes = 0;
  for (const character of value) {
    const script = scriptOf(character);
    if (script === null) continue;
    scripts.add(script);
    if (script !== 'Latin') {
      lettersOutsideLatin += 1;
      if (latinLookAlikes.has(character)) lookAlikes += 1;
    }
  }
  if (scripts.size > 1) return `mixes ${[...scripts].join(' and ')} letters`;
  if (lettersOutsideLatin > 0 && lookAlikes === lettersOutsideLatin) return `is written in ${[...scripts][0]} letters that look like Latin ones`;
  return null;
}
