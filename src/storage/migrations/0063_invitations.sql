-- Members join by invitation: an owner or admin invites an email with a role and gets a link to
-- pass on; whoever signs in with that email (or, when no account has it, creates one) accepts it.
-- The link's secret is stored hashed, used once, and expires. Adding a member never reads or
-- changes another organisation's user (no password is checked or set on their behalf).
create table invitation (
  org_id bigint not null references organisation (id),
  id bigint generated always as identity,
  email text not null check (email = lower(email)),
  role text not null check (role in ('owner', 'admin', 'accountant', 'viewer')),
  token_hash text not null unique,
  invited_by text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by bigint references app_user (id),
  revoked_at timestamptz,
  primary key (org_id, id)
);

-- A person's name, asked when an invitation creates their account.
alter table app_user add column name text;
