-- A document's balance row (what reconciliation reads and writes of it) is written with it, in the
-- same statement: one insert per statement, however many documents it wrote (an import writes
-- thousands at once).
--
-- The transition table is read alone (Citus runs this trigger on a shard, where a statement that
-- reads a transition table and writes a distributed table cannot be planned): the new rows are
-- gathered into one array of balance rows, in (organisation, id) order, then inserted from it.
create or replace function document_after_insert() returns trigger language plpgsql as $$
declare
  balances document_balance[];
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
  return null;
end $$;
