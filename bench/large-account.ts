import { unwrap } from '../src/core/outcome.ts';
import type { TallyContext } from '../src/services/context.ts';
import { createOrganisation } from '../src/services/organisations.ts';
import type { Database } from '../src/storage/database.ts';

/**
 * One account with `documentsCount` open documents: half invoice items (ten per invoice), half
 * payments, one payment in ten naming an invoice; dates spread over three years. Written with
 * generate_series, so it takes seconds however large.
 */
export async function createLargeAccount(database: Database, documentsCount: number): Promise<TallyContext> {
  const organisation = unwrap(await createOrganisation(database, { slug: 'bench-large-account' }));
  const itemsCount = Math.floor(documentsCount / 2);
  const invoicesCount = Math.ceil(itemsCount / 10);
  const paymentsCount = documentsCount - itemsCount;
  await database.transaction(async (transaction) => {
    const [account] = await transaction.query<{ id: bigint }>(
      `insert into account (org_id, external_id, owner_name) values ($1, 'LARGE', 'A very large account') returning id`,
      [organisation.id],
    );
    const parameters = [organisation.id, account!.id];
    await transaction.query(
      `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor)
       select $1, $2, 'invoice', 'none', 'LINV-' || invoice, date '2024-01-01' + (invoice * 7919 % 1050), 0
       from generate_series(1, $3::integer) invoice`,
      [...parameters, invoicesCount],
    );
    await transaction.query(
      `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor, invoice_id, position, description, ledger_code)
       select $1, $2, 'item', 'debit', 'LI-' || invoice.external_id || '-' || item.position, invoice.date,
              1000 + (substr(invoice.external_id, 6)::integer * 31 + item.position * 17) % 9000, invoice.id, item.position, 'Registration', 'REG-SPORTS'
       from document invoice cross join generate_series(1, 10) as item(position)
       where invoice.org_id = $1 and invoice.kind = 'invoice' and (substr(invoice.external_id, 6)::integer - 1) * 10 + item.position <= $3`,
      [...parameters, itemsCount],
    );
    await transaction.query(
      `insert into document (org_id, account_id, kind, side, external_id, date, amount_minor, method, reference, reference_document_id)
       select $1, $2, 'payment', 'credit', 'LR-' || payment, date '2024-01-01' + (payment::bigint * 104729 % 1060)::integer, 500 + payment::bigint * 53 % 10000, 'card',
              coalesce(invoice.external_id, ''), invoice.id
       from generate_series(1, $3::integer) payment
       left join document invoice on payment % 10 = 0 and invoice.org_id = $1 and invoice.external_id = 'LINV-' || (payment / 10 % $4 + 1)`,
      [...parameters, paymentsCount, invoicesCount],
    );
  });
  await database.executeScript('analyze document');
  return { database, organisation, actor: 'bench' };
}
