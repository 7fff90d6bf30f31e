-- Every allocation a statement inserts raises allocated_minor on its credit and its debit
-- (document_balance), in the same statement, and its keys are checked: its credit is a credit of
-- its organisation and account, its debit a debit of them, its run (if any) a run of its
-- organisation. The CHECKs on document_balance then refuse a total above a document's amount and
-- any allocation to a voided document. Set-based: one update per organisation and statement,
-- however many rows the statement wrote (a bulk run writes hundreds of thousands at once).
--
-- Each statement that reads the transition table reads it alone (Citus runs this trigger on a
-- shard, where a statement joining the transition table with a distributed table cannot be
-- planned): the per-document sums and the runs named are first gathered into arrays, then each
-- organisation's documents are updated from those arrays filtered by org_id, an update of one
-- organisation that Citus routes to the shard holding it (docs/scale-out.md).
--
-- The keys are checked by the update itself: it matches each document's organisation, id, account
-- and side, so it updates as many rows as the statement names distinct (document, account, side)
-- exactly when every key holds. Only when they differ does the detailed query run, to name the
-- first offending row; the error has SQLSTATE 23503 and names the key the way a foreign key would,
-- in the message too (Citus does not forward the constraint field of an error raised on a shard).
--
-- The sums are sorted by document id: that is (nearly) physical order, so each page is visited
-- once, and one lock order for every writer, which keeps concurrent runs from deadlocking. The
-- statements are planned at each firing (EXECUTE), with the real size of the statement; nested
-- loops are allowed for the index probes into document_balance even inside a bulk run's
-- transaction, which turns them off (the SET clause restores the caller's setting on return).
create or replace function allocation_after_insert() returns trigger language plpgsql set enable_nestloop = on as $$
declare
  delta_organisation_ids bigint[];
  delta_document_ids bigint[];
  delta_account_ids bigint[];
  delta_sides text[];
  delta_amounts bigint[];
  run_organisation_ids bigint[];
  run_ids bigint[];
  organisation_id bigint;
  first_organisation_id bigint;
  last_organisation_id bigint;
  organisation_run_ids bigint[];
  updated_count bigint;
  updated_total bigint := 0;
  runs_found bigint;
  keys_hold boolean;
  rows_org_ids bigint[];
  rows_ids bigint[];
  rows_account_ids bigint[];
  rows_credit_ids bigint[];
  rows_debit_ids bigint[];
  rows_run_ids bigint[];
  credit_missing boolean;
  debit_missing boolean;
  run_missing boolean;
begin
  execute $sql$
  select array_agg(org_id), array_agg(document_id), array_agg(account_id), array_agg(side), array_agg(amount_minor),
         min(org_id), max(org_id)
  from (
    select org_id, document_id, account_id, side, coalesce(sum(amount_minor) filter (where removed_at is null), 0)::bigint as amount_minor
    from (select org_id, credit_id as document_id, account_id, 'credit' as side, amount_minor, removed_at from inserted_allocation
          union all
          select org_id, debit_id, account_id, 'debit', amount_minor, removed_at from inserted_allocation) sides
    group by org_id, document_id, account_id, side
    order by org_id, document_id
  ) delta
  $sql$ into delta_organisation_ids, delta_document_ids, delta_account_ids, delta_sides, delta_amounts, first_organisation_id, last_organisation_id;

  execute $sql$
  select array_agg(org_id), array_agg(run_id)
  from (select distinct org_id, run_id from inserted_allocation where run_id is not null) named_run
  $sql$ into run_organisation_ids, run_ids;

  -- Almost every statement writes one organisation's allocations: then there is nothing to list.
  for organisation_id in
    select first_organisation_id where first_organisation_id = last_organisation_id
    union all
    select distinct named.org_id from unnest(delta_organisation_ids) as named (org_id) where first_organisation_id <> last_organisation_id
  loop
    -- Each document is found by its primary key; its account and side (the key check) are
    -- compared on the row found, never used to find it: without statistics the planner otherwise
    -- probed (org_id, account_id) and filtered the whole account for every document, which made
    -- a checkout quadratic in the account's size (issue 9). IS NOT DISTINCT FROM is no index
    -- condition, and both sides are never null.
    execute $sql$
    update document_balance b set allocated_minor = b.allocated_minor + delta.amount_minor
    from unnest($2, $3, $4, $5, $6) as delta (org_id, document_id, account_id, side, amount_minor)
    where delta.org_id = $1 and b.org_id = $1 and b.document_id = delta.document_id
      and b.account_id is not distinct from delta.account_id and b.side is not distinct from delta.side
    $sql$ using organisation_id, delta_organisation_ids, delta_document_ids, delta_account_ids, delta_sides, delta_amounts;
    get diagnostics updated_count = row_count;
    updated_total := updated_total + updated_count;
  end loop;
  keys_hold := updated_total = coalesce(cardinality(delta_document_ids), 0);

  for organisation_id in select distinct named.org_id from unnest(run_organisation_ids) as named (org_id) loop
    organisation_run_ids := array(select named.run_id from unnest(run_organisation_ids, run_ids) as named (org_id, run_id) where named.org_id = organisation_id);
    execute 'select count(*) from reconciliation_run where org_id = $1 and id = any($2)' into runs_found using organisation_id, organisation_run_ids;
    keys_hold := keys_hold and runs_found = cardinality(organisation_run_ids);
  end loop;

  if keys_hold then
    return null;
  end if;

  -- Something breaks a key: name the first row that does. The rows are gathered alone, then
  -- checked one at a time (this path only runs when the statement is refused).
  execute $sql$
  select array_agg(org_id order by org_id, id), array_agg(id order by org_id, id), array_agg(account_id order by org_id, id),
         array_agg(credit_id order by org_id, id), array_agg(debit_id order by org_id, id), array_agg(run_id order by org_id, id)
  from inserted_allocation
  $sql$ into rows_org_ids, rows_ids, rows_account_ids, rows_credit_ids, rows_debit_ids, rows_run_ids;
  for row_index in 1 .. cardinality(rows_ids) loop
    execute $sql$
    select not exists (select 1 from document_balance b where b.org_id = $1 and b.document_id = $3 and b.account_id = $2 and b.side = 'credit'),
           not exists (select 1 from document_balance b where b.org_id = $1 and b.document_id = $4 and b.account_id = $2 and b.side = 'debit'),
           $5::bigint is not null and not exists (select 1 from reconciliation_run run where run.org_id = $1 and run.id = $5)
    $sql$ into credit_missing, debit_missing, run_missing
    using rows_org_ids[row_index], rows_account_ids[row_index], rows_credit_ids[row_index], rows_debit_ids[row_index], rows_run_ids[row_index];
    if credit_missing then
      raise exception 'insert on table "allocation" violates foreign key constraint "allocation_org_id_account_id_credit_id_credit_side_fkey": document % is not a credit of account % in organisation %',
        rows_credit_ids[row_index], rows_account_ids[row_index], rows_org_ids[row_index]
        using errcode = 'foreign_key_violation', table = 'allocation',
              constraint = 'allocation_org_id_account_id_credit_id_credit_side_fkey',
              detail = format('Key (org_id, account_id, credit_id, credit_side)=(%s, %s, %s, credit) is not present in table "document".',
                              rows_org_ids[row_index], rows_account_ids[row_index], rows_credit_ids[row_index]);
    elsif debit_missing then
      raise exception 'insert on table "allocation" violates foreign key constraint "allocation_org_id_account_id_debit_id_debit_side_fkey": document % is not a debit of account % in organisation %',
        rows_debit_ids[row_index], rows_account_ids[row_index], rows_org_ids[row_index]
        using errcode = 'foreign_key_violation', table = 'allocation',
              constraint = 'allocation_org_id_account_id_debit_id_debit_side_fkey',
              detail = format('Key (org_id, account_id, debit_id, debit_side)=(%s, %s, %s, debit) is not present in table "document".',
                              rows_org_ids[row_index], rows_account_ids[row_index], rows_debit_ids[row_index]);
    elsif run_missing then
      raise exception 'insert on table "allocation" violates foreign key constraint "allocation_org_id_run_id_fkey": run % is not a run of organisation %',
        rows_run_ids[row_index], rows_org_ids[row_index]
        using errcode = 'foreign_key_violation', table = 'allocation',
              constraint = 'allocation_org_id_run_id_fkey',
              detail = format('Key (org_id, run_id)=(%s, %s) is not present in table "reconciliation_run".', rows_org_ids[row_index], rows_run_ids[row_index]);
    end if;
  end loop;
  raise exception 'allocation_after_insert: % documents named but % updated, and no row breaks a key', cardinality(delta_document_ids), updated_total
    using errcode = 'internal_error';
end $$;
