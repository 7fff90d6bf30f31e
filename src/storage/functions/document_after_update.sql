-- A document's balance row follows the document: keys never change (history_refuse_key_change);
-- the rest is copied when the document's statement set it. A row trigger, one update of one row.
create or replace function document_after_update() returns trigger language plpgsql as $$
begin
  update document_balance b
  set kind = new.kind, date = new.date, invoice_id = new.invoice_id, position = new.position,
      reference_document_id = new.reference_document_id, amount_minor = new.amount_minor, voided = new.voided_at is not null
  where b.org_id = new.org_id and b.document_id = new.id;
  return null;
end $$;
