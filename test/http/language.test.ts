import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusalCatalogue, type RefusalCode } from '../../src/core/refusal-codes.ts';
import { refusalMessageIn } from '../../src/core/refusal-language.ts';
import { refusalMessagesFr } from '../../src/core/refusal-messages-fr.ts';
import { answerLanguage } from '../../src/http/language.ts';
import { passwordLengthMax, passwordLengthMin } from '../../src/core/limits.ts';
import { RefusalError } from '../../src/core/outcome.ts';
import { checkNewPassword } from '../../src/core/password-policy.ts';
import { dialects, type TestDatabase } from '../support/dialects.ts';
import { httpFixture, type HttpFixture } from '../support/http-fixture.ts';

describe('refusals in English and French', () => {
  it('has a French sentence for every refusal code', () => {
    for (const code of Object.keys(refusalCatalogue) as RefusalCode[]) {
      const entry = refusalMessagesFr[code];
      const sentence = typeof entry === 'string' ? entry : entry({});
      expect([code, sentence.length > 10]).toEqual([code, true]);
    }
  });

  it('picks the language of Accept-Language by weight, English by default', () => {
    expect(answerLanguage(undefined)).toBe('en');
    expect(answerLanguage('fr')).toBe('fr');
    expect(answerLanguage('fr-CA,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(answerLanguage('en-CA,en;q=0.9,fr;q=0.8')).toBe('en');
    expect(answerLanguage('de, fr;q=0.5')).toBe('fr');
    expect(answerLanguage('de')).toBe('en');
    expect(answerLanguage('fr;q=0, en')).toBe('en');
  });

  it('says what the refusal names in French too', () => {
    const refusal = { code: 'exceeds_credit_remaining' as const, message: 'P-1 has only 10.00 left to allocate', path: 'lines[0].amount', values: { id: 'P-1', remaining: '10.00' } };
    expect(refusalMessageIn('en', refusal)).toBe('P-1 has only 10.00 left to allocate');
    expect(refusalMessageIn('fr', refusal)).toBe('P-1 n’a plus que 10.00 à répartir. (lines[0].amount)');
  });

  it('says a password rule in French with its limits (members choose passwords when they accept an invitation)', () => {
    const refused = (() => {
      try {
        checkNewPassword('court', 'court@example.org');
      } catch (error) {
        if (error instanceof RefusalError) return error.refusal;
      }
      throw new Error('a five-character password was accepted');
    })();
    expect(refusalMessageIn('fr', refused)).toBe(`Un mot de passe a de ${passwordLengthMin} à ${passwordLengthMax} caractères. (password)`);
  });
});

for (const dialect of dialects) {
  describe(`Accept-Language over HTTP on ${dialect.name}`, () => {
    let test: TestDatabase;
    let http: HttpFixture;
    beforeAll(async () => {
      test = await dialect.open();
      http = await httpFixture(test.database);
      await http.request('POST', '/accounts', { account_id: 'A-1', owner_name: 'Owner' });
      await http.request('POST', '/invoices', { invoice_id: 'INV-1', account_id: 'A-1', date: '2026-09-01', items: [{ item_id: 'I-1', amount: '50.00' }] });
      await http.request('POST', '/receipts', { receipt_id: 'P-1', account_id: 'A-1', date: '2026-09-02', kind: 'payment', amount: '10.00' });
    });
    afterAll(async () => {
      await http.app.close();
      await test.drop();
    });

    it('answers a refusal in French when asked, with the same code, status and details', async () => {
      const body = { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '20.00' }] };
      const english = await http.request('POST', '/allocations', body);
      const french = await http.request('POST', '/allocations', body, { headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' } });
      expect(english.statusCode).toBe(409);
      expect(french.statusCode).toBe(409);
      expect(english.json().error).toEqual({ code: 'exceeds_credit_remaining', message: 'P-1 has only 10.00 left to allocate', details: { documentId: 'P-1', remainingMinor: '1000', path: 'lines[0].amount' } });
      expect(french.json().error).toEqual({ ...english.json().error, message: 'P-1 n’a plus que 10.00 à répartir. (lines[0].amount)' });
      expect(french.headers['content-language']).toBe('fr');
      const missing = await http.request('GET', '/runs/7', undefined, { headers: { 'accept-language': 'fr' } });
      expect(missing.json().error).toMatchObject({ code: 'run_not_found', message: 'Aucune exécution n’a le numéro 7 dans l’organisation. (run)' });
      const invalid = await http.request('GET', '/accounts?page_size=5000', undefined, { headers: { 'accept-language': 'fr' } });
      expect(invalid.json().error.code).toBe('request_is_invalid');
      expect(invalid.json().error.message).toMatch(/^La demande n’est pas conforme au schéma de l’API/);
    });

    it('names in French what the English names: the rule, the value, the limit, the document', async () => {
      const french = { headers: { 'accept-language': 'fr' } };
      const cases: [string, string, string, unknown, string][] = [
        ['an email that is not one', 'POST', '/accounts', { account_id: 'A-2', owner_name: 'Owner', owner_email: 'pas-un-courriel' }, 'L’adresse courriel « pas-un-courriel » n’est pas valide. (owner_email)'],
        ['a method not in the list', 'POST', '/receipts', { receipt_id: 'P-2', account_id: 'A-1', date: '2026-09-02', kind: 'payment', amount: '10.00', method: 'bitcoin' }, 'La valeur « bitcoin » n’est pas permise; les valeurs permises sont : cash, cheque, card, eft, online, other. (method)'],
        ['the same pair twice', 'POST', '/allocations', { lines: [{ receipt_id: 'P-1', target_id: 'I-1', amount: '1.00' }, { receipt_id: 'P-1', target_id: 'I-1', amount: '2.00' }] }, 'P-1 vers I-1 figure deux fois dans la demande. (lines[1])'],
        ['a charge where a credit goes', 'POST', '/allocations', { lines: [{ receipt_id: 'I-1', target_id: 'I-1', amount: '1.00' }] }, 'I-1 est un article de facture, ni un paiement, ni un dépôt, ni un crédit, ni une annulation. (lines[0].credit)'],
        ['an id taken with other content', 'POST', '/receipts', { receipt_id: 'P-1', account_id: 'A-1', date: '2026-09-02', kind: 'payment', amount: '99.00' }, 'Le numéro P-1 est déjà utilisé (un paiement) avec un contenu différent. (receipt_id)'],
      ];
      for (const [what, method, url, body, message] of cases) {
        const english = await http.request(method as 'POST', url, body);
        const answer = await http.request(method as 'POST', url, body, french);
        expect([what, answer.statusCode, answer.json().error.code]).toEqual([what, english.statusCode, english.json().error.code]);
        expect([what, answer.json().error.message]).toEqual([what, message]);
      }
    });
  });
}
