/**
 * Turns a message of the i18n tables and its values into text, without React or the browser (so
 * the tests run it in Node): the form for the number `{count}` chosen by the language's plural
 * rules, then every `{name}` replaced by its value, numbers grouped for the language.
 */

/**
 * A message that states a number, `{count}`: its wording for the plural category "one" and for
 * any other. Which numbers are "one" is the language's rule (Intl.PluralRules): 1 in English, 0
 * and 1 in French. A category the message leaves out ("many", French for millions) takes "other".
 */
export interface PluralMessage {
  readonly one: string;
  readonly other: string;
}

export type Message = string | PluralMessage;

export type MessageValues = Readonly<Record<string, string | number>>;

/** Makes each locale's Intl object once: a table of thousands of rows formats many messages. */
function perLocale<Value>(make: (locale: string) => Value): (locale: string) => Value {
  const made = new Map<string, Value>();
  return (locale) => {
    let value = made.get(locale);
    if (value === undefined) {
      value = make(locale);
      made.set(locale, value);
    }
    return value;
  };
}

const pluralRulesOf = perLocale((locale) => new Intl.PluralRules(locale));
const numberFormatOf = perLocale((locale) => new Intl.NumberFormat(locale));

/** The wording of `message` for `count` in `locale` ("1 compte", "0 compte", "2 comptes"). */
export function pluralFormOf(message: PluralMessage, count: number, locale: string): string {
  return pluralRulesOf(locale).select(count) === 'one' ? message.one : message.other;
}

/**
 * The text of `message` with `values` in `locale`. A plural message needs its number: without
 * one the caller is wrong (the Translate type asks for it), so this throws rather than guess a form.
 */
export function formatMessage(message: Message, values: MessageValues | undefined, locale: string): string {
  let text: string;
  if (typeof message === 'string') text = message;
  else {
    const count = values?.count;
    if (typeof count !== 'number') throw new Error(`a plural message needs a number {count}: "${message.other}"`);
    text = pluralFormOf(message, count, locale);
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!values || !(name in values)) return whole;
    const value = values[name]!;
    // A number is a count, grouped for the language ("5,000", "5 000"); amounts of money come as
    // text the caller formatted from exact decimals, never as numbers.
    return typeof value === 'number' ? numberFormatOf(locale).format(value) : value;
  });
}
