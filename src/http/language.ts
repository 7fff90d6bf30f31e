import { refusalLanguages, type RefusalLanguage } from '../core/refusal-language.ts';

/**
 * The language of an answer, from the request's Accept-Language (RFC 9110): the supported
 * language with the highest weight ("fr-CA;q=0.9, en;q=0.8" → fr), English when none is asked for
 * or none is supported. Only the words change: codes, statuses and details are the same.
 */
export function answerLanguage(acceptLanguage: string | string[] | undefined): RefusalLanguage {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  let best: { language: RefusalLanguage; weight: number } | null = null;
  for (const part of header.split(',')) {
    const [range = '', ...parameters] = part.trim().split(';');
    const primary = range.trim().toLowerCase().split('-')[0] ?? '';
    const quality = parameters.map((parameter) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
    const weight = quality === undefined ? 1 : Number(quality);
    if (!Number.isFinite(weight) || weight <= 0) continue;
    const language = (refusalLanguages as readonly string[]).includes(primary) ? (primary as RefusalLanguage) : null;
    if (language && (!best || weight > best.weight)) best = { language, weight };
  }
  return best?.language ?? 'en';
}
