-- An organisation always keeps an owner: a statement that demotes or removes owners is refused if it
-- leaves one of their organisations without any. This holds on every path that changes members
-- (role change, removal, adding or inviting someone who is already a member, the command line, SQL
-- by hand); the services also lock the owners' rows first, so two demotions at once cannot both pass.
--
-- The transition table is read alone (Citus runs this trigger on a shard, where a statement joining
-- a transition table with another table cannot be planned): the organisations that had an owner
-- changed are gathered into an array, then each organisation's owners are looked for by a statement
-- filtered by its org_id (one Citus routes to the organisation's shard; a correlated subquery over
-- the array's rows is refused there).
create or replace function membership_keeps_an_owner() returns trigger language plpgsql as $$
declare
  organisation_ids bigint[];
  organisation_id bigint;
  has_owner boolean;
begin
  select array_agg(distinct org_id order by org_id) into organisation_ids from old_membership where role = 'owner';
  if organisation_ids is null then
    return null;
  end if;
  foreach organisation_id in array organisation_ids loop
    execute $sql$select exists (select 1 from membership m where m.org_id = $1 and m.role = 'owner')$sql$ into has_owner using organisation_id;
    if not has_owner then
      raise exception 'organisation % would be left without an owner (violates check constraint "membership_keeps_an_owner")', organisation_id
        using errcode = 'check_violation', constraint = 'membership_keeps_an_owner', table = 'membership';
    end if;
  end loop;
  return null;
end $$;
