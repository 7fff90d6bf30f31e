-- A token acts with at most its creator's current role and dies with the creator's membership, so
-- it names the user who created it (a token made by a token inherits that token's creator).
-- Existing tokens are traced to their creator by email, then through the tokens that made them;
-- a token whose creator cannot be traced has no member behind it and no longer works.
alter table api_token add column creator_user_id bigint references app_user (id);
update api_token t set creator_user_id = u.id from app_user u where u.email = t.created_by;
update api_token t set creator_user_id = p.creator_user_id from api_token p
  where t.creator_user_id is null and t.created_by like 'token:%' and p.id::text = split_part(t.created_by, ':', 2) and p.org_id = t.org_id;
update api_token t set creator_user_id = p.creator_user_id from api_token p
  where t.creator_user_id is null and t.created_by like 'token:%' and p.id::text = split_part(t.created_by, ':', 2) and p.org_id = t.org_id;
create index api_token_creator on api_token (org_id, creator_user_id);
