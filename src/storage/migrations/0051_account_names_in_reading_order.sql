-- Names in the accounts list are ordered as people read them ("Lévesque" between "Lavoie" and
-- "Li"), by the ICU root collation both engines have, and paged through this index.
drop index account_owner_name;
create index account_owner_name on account (org_id, (owner_name collate "und-x-icu"), external_id);
