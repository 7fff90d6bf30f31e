-- A statement that records removals lowers allocated_minor on both documents of each allocation
-- it removed, in the same statement. What a statement removes from a document is what was active
-- on it before less what is active after: the sum over the old rows still active, less the sum
-- over the new rows still active. Amounts and documents of an allocation never change (the row
-- trigger allocation_refuse_history_change refuses it, before this runs), so that difference is
-- exactly the amount of the allocations whose removal the statement recorded, and zero for rows it
-- left as they were.
--
-- Each statement reads one transition table alone (Citus runs this trigger on a shard, where a
-- statement joining a transition table with another table cannot be planned): the active sums
-- before and after are gathered into arrays, then each organisation's documents are updated from
-- those arrays filtered by org_id, in document id order (one lock order for every writer). Planned
-- at each firing, with nested loops allowed for the index probes into document_balance (the SET
-- clause restores the caller's setting on return).
create or replace function allocation_after_update() returns trigger language plpgsql set enable_nestloop = on as $$
declare
  before_organisation_ids bigint[];
  before_document_ids bigint[];
  before_amounts bigint[];
  after_organisation_ids bigint[];
  after_document_ids bigint[];
  after_amounts bigint[];
  organisation_id bigint;
begin
  execute $sql$
  select array_agg(org_id), array_agg(document_id), array_agg(amount_minor)
  from (select o.org_id, sides.document_id, sum(o.amount_minor)::bigint as amount_minor
        from old_allocation o cross join lateral (values (o.credit_id), (o.debit_id)) as sides (document_id)
        where o.removed_at is null
        group by o.org_id, sides.document_id) active_before
  $sql$ into before_organisation_ids, before_document_ids, before_amounts;

  if before_document_ids is null then
    return null; -- nothing was active: nothing can have been removed
  end if;

  execute $sql$
  select array_agg(org_id), array_agg(document_id), array_agg(amount_minor)
  from (select n.org_id, sides.document_id, sum(n.amount_minor)::bigint as amount_minor
        from new_allocation n cross join lateral (values (n.credit_id), (n.debit_id)) as sides (document_id)
        where n.removed_at is null
        group by n.org_id, sides.document_id) active_after
  $sql$ into after_organisation_ids, after_document_ids, after_amounts;

  for organisation_id in select distinct named.org_id from unnest(before_organisation_ids) as named (org_id) loop
    execute $sql$
    update document_balance b set allocated_minor = b.allocated_minor - delta.amount_minor
    from (
      select document_id, sum(amount_minor)::bigint as amount_minor
      from (select document_id, amount_minor from unnest($2, $3, $4) as before (org_id, document_id, amount_minor) where org_id = $1
            union all
            select document_id, -amount_minor from unnest($5, $6, $7) as after (org_id, document_id, amount_minor) where org_id = $1) change
      group by document_id
      having sum(amount_minor) <> 0
      order by document_id
    ) delta
    where b.org_id = $1 and b.document_id = delta.document_id
    $sql$ using organisation_id, before_organisation_ids, before_document_ids, before_amounts, after_organisation_ids, after_document_ids, after_amounts;
  end loop;
  return null;
end $$;
