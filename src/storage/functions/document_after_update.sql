-- A document's balance row follows the document: keys never change (history_refuse_key_change);
-- the rest is copied when the document's statement set it. A void (or a changed amount) moves its
-- account's balance (account.balance_minor) by the difference. A row trigger, one update of one
-- or two rows.
create or replace function document_after_update() returns trigger language plpgsql as $$
declare
  balance_change bigint;
begin
  update document_balance b
  set kind = new.kind, date = new.date, invoice_id = new.invoice_id, position = new.position,
      reference_document_id = new.reference_document_id, amount_minor = new.amount_minor, voided = new.voided_at is not null
  where b.org_id = new.org_id and b.document_id = new.id;
  balance_change :=
    (case when new.voided_at is not null then 0 when new.side = 'debit' then new.amount_minor when new.side = 'credit' then -new.amount_minor else 0 end)
    - (case when old.voided_at is not null then 0 when old.side = 'debit' then old.amount_minor when old.side = 'credit' then -old.amount_minor else 0 end);
  if balance_change <> 0 then
    update account a set balance_minor = a.balance_minor + balance_change where a.org_id = new.org_id and a.id = new.account_id;
  end if;
  return null;
end $$;
