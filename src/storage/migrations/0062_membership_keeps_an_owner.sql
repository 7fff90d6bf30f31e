-- The rule "an organisation keeps at least one owner" (last_owner_cannot_leave) is kept by the
-- database on every statement that demotes or removes a member (src/storage/functions/membership_keeps_an_owner.sql).
-- Two triggers: PostgreSQL allows transition tables only on a trigger of one event.
create trigger membership_keeps_an_owner_on_update after update on membership
  referencing old table as old_membership
  for each statement execute function membership_keeps_an_owner();
create trigger membership_keeps_an_owner_on_delete after delete on membership
  referencing old table as old_membership
  for each statement execute function membership_keeps_an_owner();
