-- A document's balance row (what reconciliation reads and writes of it) is written with it, in the
-- same statement: one insert per statement, however many documents it wrote (an import writes
-- thousands at once). Each account then moves by what the statement wrote, in the same statement:
-- - its gross totals of each side (debit_total_minor, credit_total_minor: voided documents
--   included, so they only grow), where the account's CHECK (account_total_within_limit, migration
--   0065) refuses a total past the bound; the sums are clamped to the bigint range so the CHECK,
--   not an overflow, is what refuses;
-- - its balance (balance_minor: debits less credits, voided documents left out, what the accounts
--   list sorts by; migration 0090), clamped likewise.
--
-- The transition table is read alone (Citus runs this trigger on a shard, where a statement that
-- reads a transition table and writes a distributed table cannot be planned): the new rows are
-- gathered into one array of balance rows, in (organisation, id) order, then inserted from it, and
-- each organisation's accounts are updated from it filtered by org_id (a statement Citus routes
-- to the shard holding the organisation), in account order, one lock order for every writer.
create or replace function document_after_insert() returns trigger language plpgsql as $$
declare
  balances document_balance[];
  organisation_id bigint;
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
  for organisation_id in select distinct written.org_id from unnest(balances) as written loop
    execute $sql$
    update account a
    set debit_total_minor = least(a.debit_total_minor + delta.debit_minor, 9223372036854775807)::bigint,
        credit_total_minor = least(a.credit_total_minor + delta.credit_minor, 9223372036854775807)::bigint,
        balance_minor = greatest(least(a.balance_minor + delta.balance_minor, 9223372036854775807), -9223372036854775808)::bigint
    from (select written.account_id,
                 coalesce(sum(written.amount_minor) filter (where written.side = 'debit'), 0) as debit_minor,
                 coalesce(sum(written.amount_minor) filter (where written.side = 'credit'), 0) as credit_minor,
                 coalesce(sum(case when written.voided then 0 when written.side = 'debit' then written.amount_minor
                                   else -written.amount_minor end), 0) as balance_minor
          from unnest($2) as written where written.org_id = $1 and written.side <> 'none'
          group by written.account_id order by written.account_id) delta
    where a.org_id = $1 and a.id = delta.account_id
    $sql$ using organisation_id, balances;
  end loop;
  return null;
end $$;
