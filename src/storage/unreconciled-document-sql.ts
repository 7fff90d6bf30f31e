/**
 * The SQL condition for an unreconciled item, on a `document_balance` row named `alias`: a
 * payment, deposit, credit or cancellation not fully allocated, or a refund not fully covered;
 * voided documents count for nothing. One definition for the accounts list's filter and count and
 * for the unreconciled items list, so they cannot disagree about which accounts have work left.
 */
export function unreconciledDocumentCondition(alias: string): string {
  return `(not ${alias}.voided and ${alias}.allocated_minor < ${alias}.amount_minor and (${alias}.side = 'credit' or ${alias}.kind = 'refund'))`;
}
