-- A document's balance row (what reconciliation reads and writes of it) is written with it, in the
-- same statement: one insert per statement, however many documents it wrote (an import writes
-- thousands at once). Its amount is added to its account's total of that side in the same
-- statement too, where the account's CHECK (account_total_within_limit, migration 0065) refuses a
-- total past the bound; the sum is clamped to the largest bigint so the CHECK, not an overflow,
-- is what refuses.
--
-- The transition table is read alone (Citus runs this trigger on a shard, where a statement that
-- reads a transition table and writes a distributed table cannot be planned): the new rows are
-- gathered into arrays — balance rows in (organisation, id) order, and sums per account — then
-- written from them.
create or replace function document_after_insert() returns trigger language plpgsql as $$
declare
  balances document_balance[];
  total_org_ids bigint[];
  total_account_ids bigint[];
  debit_sums numeric[];
  credit_sums numeric[];
begin
  execute $sql$
  select array_agg(row(org_id, id, account_id, kind, side, date, invoice_id, position, reference_document_id, amount_minor, 0, voided_at is not null)::document_balance
                   order by org_id, id)
  from inserted_document
  $sql$ into balances;
  if balances is null then
    return null;
  end if;
  execute 'insert into document_balance select * from unnest($1)' using balances;
  execute $sql$
  select array_agg(org_id order by org_id, account_id), array_agg(account_id order by org_id, account_id),
         array_agg(debit_minor order by org_id, account_id), array_agg(credit_minor order by org_id, account_id)
  from (select org_id, account_id,
               coalesce(sum(amount_minor) filter (where side = 'debit'), 0) as debit_minor,
               coalesce(sum(amount_minor) filter (where side = 'credit'), 0) as credit_minor
        from inserted_document where side <> 'none' group by org_id, account_id) sums
  $sql$ into total_org_ids, total_account_ids, debit_sums, credit_sums;
  if total_org_ids is null then
    return null;
  end if;
  execute $sql$
  update account a
  set debit_total_minor = least(a.debit_total_minor + t.debit_minor, 9223372036854775807)::bigint,
      credit_total_minor = least(a.credit_total_minor + t.credit_minor, 9223372036854775807)::bigint
  from unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::numeric[]) as t(org_id, account_id, debit_minor, credit_minor)
  where a.org_id = t.org_id and a.id = t.account_id
  $sql$ using total_org_ids, total_account_ids, debit_sums, credit_sums;
  return null;
end $$;
