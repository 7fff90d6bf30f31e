-- An organisation always keeps an owner: a statement that demotes or removes owners is refused if it
-- leaves one of their organisations without any. This holds on every path that changes members
-- (role change, removal, adding or inviting someone who is already a member, the command line, SQL
-- by hand); the services also lock the owners' rows first, so two demotions at once cannot both pass.
--
-- The transition table is read alone (Citus runs this trigger on a shard, where a statement joining
-- a transition table with another table cannot be planned): the organisations that had an owner
-- changed are gathered into an array, then membership is read for them.
create or replace function membership_keeps_an_owner() returns trigger language plpgsql as $$
declare
  organisation_ids bigint[];
  orphaned bigint;
begin
  select array_agg(distinct org_id) into organisation_ids from old_membership where role = 'owner';
  if organisation_ids is null then
    return null;
  end if;
  select o.id into orphaned from unnest(organisation_ids) as o (id)
  where not exists (select 1 from membership m where m.org_id = o.id and m.role = 'owner')
  limit 1;
  if orphaned is not null then
    raise exception 'organisation % would be left without an owner (violates check constraint "membership_keeps_an_owner")', orphaned
      using errcode = 'check_violation', constraint = 'membership_keeps_an_owner', table = 'membership';
  end if;
  return null;
end $$;
