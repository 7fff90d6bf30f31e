-- Users, memberships, sessions, API tokens, idempotency keys and background jobs.
-- Users and sessions are global (one person may belong to several organisations); everything
-- that belongs to an organisation leads its keys with org_id.

create table app_user (
  id bigint generated always as identity primary key,
  email text not null unique check (email = lower(email)),
  password_hash text not null,
  created_at timestamptz not null default now()
);

create table membership (
  org_id bigint not null references organisation (id),
  user_id bigint not null references app_user (id),
  role text not null check (role in ('owner', 'admin', 'accountant', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);

create index membership_user on membership (user_id);

-- The session id is a random secret held only by the browser's HttpOnly cookie; we store its hash.
create table user_session (
  id_hash text primary key,
  user_id bigint not null references app_user (id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);

create index user_session_user on user_session (user_id);

create table api_token (
  org_id bigint not null references organisation (id),
  id bigint generated always as identity,
  name text not null,
  token_hash text not null unique,
  role text not null check (role in ('owner', 'admin', 'accountant', 'viewer')),
  created_by text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (org_id, id)
);

-- A POST with an Idempotency-Key runs once per (caller, key); retries replay the stored response.
create table idempotency_key (
  org_id bigint not null references organisation (id),
  principal text not null,
  key text not null,
  request_hash text not null,
  status text not null check (status in ('in_progress', 'completed')),
  response_status integer,
  response_body text,
  response_content_type text,
  created_at timestamptz not null default now(),
  primary key (org_id, principal, key)
);

create index idempotency_key_created on idempotency_key (created_at);

-- Background work (reconciliation runs over many accounts). A worker claims a job with
-- FOR UPDATE SKIP LOCKED and holds a lease it renews; a job whose lease expired (its process
-- died) is claimed again and resumes from its run's last finished batch.
create table job (
  org_id bigint not null references organisation (id),
  id bigint generated always as identity,
  kind text not null check (kind in ('reconcile')),
  run_id bigint,
  status text not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  cancel_requested boolean not null default false,
  attempts integer not null default 0,
  lease_owner text,
  lease_expires_at timestamptz,
  error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (org_id, id),
  foreign key (org_id, run_id) references reconciliation_run (org_id, id)
);

create index job_claimable on job (status, lease_expires_at) where status in ('queued', 'running');

-- Runs can now be queued for a job, cancelled, and resumed after the last account finished.
alter table reconciliation_run drop constraint reconciliation_run_status_check;
alter table reconciliation_run add constraint reconciliation_run_status_check
  check (status in ('queued', 'running', 'completed', 'failed', 'cancelled', 'undone'));
alter table reconciliation_run add column last_account_id bigint not null default 0;

-- The accounts list pages by owner name (the default sort) without sorting the whole table.
create index account_owner_name on account (org_id, owner_name, external_id);
