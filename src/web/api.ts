/**
 * Typed calls to the Tally HTTP API (/api/v1). The session lives in an HttpOnly cookie set at
 * sign-in; every write sends the X-CSRF-Token the sign-in answered with, and an Idempotency-Key
 * naming the user action it belongs to (action-keys.ts). There is no other path to the data: the
 * page only ever talks to this API.
 */
import type { Static } from 'typebox';
import type { AccountStatementView, StatementAllocationView, StatementDocumentView } from '../http/account-schemas.ts';
import type { AuditResponse, UnreconciledResponse } from '../http/list-schemas.ts';
import type { RunAccountView, RunAccountsResponse, RunAllocationView, RunAllocationsResponse, RunListItem, RunListResponse, RunUndoneResponse, RunView, RunSummaryView } from '../http/run-schemas.ts';
import type { BlockerView, CollectionLineView, CollectionPartView, CollectionsDetailResponse, CollectionsSummaryResponse, Rl24BlockersResponse, Rl24Response, SlipLineView } from '../http/report-schemas.ts';
import { collectionLineKinds, type CollectionLineKind } from '../core/report-collections.ts';
import type { Rl24BlockerReason as BlockerReason } from '../core/report-rl24.ts';
import { ActionKeys } from './action-keys.ts';

export interface OrganisationMembership {
  readonly slug: string;
  readonly name: string;
  readonly role: string;
}

export interface Session {
  readonly email: string;
  readonly csrf_token: string;
  readonly organisations: readonly OrganisationMembership[];
}

export const accountSorts = ['owner', 'owner_desc', 'account', 'account_desc', 'created', 'created_desc', 'balance_desc', 'balance', 'unreconciled_desc'] as const;
export type AccountSort = (typeof accountSorts)[number];

export interface AccountSummary {
  readonly account_id: string;
  readonly owner_name: string;
  readonly owner_email: string;
  readonly balance: string;
  readonly unreconciled_count: number;
}

export interface AccountPage {
  readonly total: number;
  readonly page: number;
  readonly page_size: number;
  readonly accounts: readonly AccountSummary[];
}

export interface AccountQuery {
  readonly search?: string;
  readonly unreconciled?: boolean;
  readonly sort?: AccountSort;
  readonly page?: number;
  readonly pageSize?: number;
}

export type StatementDocument = Static<typeof StatementDocumentView>;
export type StatementAllocation = Static<typeof StatementAllocationView>;
export type AccountStatement = Static<typeof AccountStatementView>;
export type DocumentKind = StatementDocument['kind'];
/** How a payment was made (the server knows no other). */
export type PaymentMethod = NonNullable<StatementDocument['method']>;
export type DocumentStatus = StatementDocument['status'];
export type OpenReason = AccountStatement['open_reason'];

/** A refusal from the API: `{ error: { code, message, details } }`, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What went wrong, as the server said it (or the failure's own words when it is not the API's). */
export const messageOf = (error: unknown): string => (error instanceof ApiError ? error.message : String(error));

let csrfToken: string | null = null;

/** The page's language, sent as Accept-Language: the server words its refusals in it (the code stays the same). */
let apiLanguage = 'en';
export function setApiLanguage(language: string): void {
  apiLanguage = language;
}
const networkErrorMessages: Record<string, string> = {
  en: 'The server cannot be reached; check the connection and try again.',
  fr: 'Le serveur est injoignable; vérifiez la connexion et réessayez.',
};

/** Called when any request answers 401 (the session expired or was closed elsewhere). */
let onSignedOut: (() => void) | null = null;
export function whenSignedOut(listener: (() => void) | null): void {
  onSignedOut = listener;
}

/** An action whose write got no definite answer is retried with its key within this window. */
const actionRetryWindowMs = 60 * 60 * 1000;
/** Pauses before the automatic retries of a write that got no definite answer. */
const writeRetryDelaysMs = [250, 1000] as const;
const actionKeys = new ActionKeys(actionRetryWindowMs);

/** No definite answer: the write may or may not have happened, so only a retry with its key can tell. */
function isUncertain(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500 || error.code === 'idempotency_key_in_progress');
}

/**
 * Every write carries its action's Idempotency-Key. A POST without a definite answer is retried
 * a few times with the same key (the server replays it if the first did happen). PATCH and DELETE
 * are not retried here: the server keys only POSTs, and their retry is the operator's to make.
 */
async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  if (method === 'GET') return send<T>(method, path, body, null);
  const request = `${method} ${path}\n${body === undefined ? '' : JSON.stringify(body)}`;
  // Taken once: should a twin of this request settle meanwhile, this one still retries as itself.
  const key = actionKeys.keyFor(request);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const answer = await send<T>(method, path, body, key);
      actionKeys.settle(request, key);
      return answer;
    } catch (error) {
      const retryDelayMs = method === 'POST' ? writeRetryDelaysMs[attempt] : undefined;
      if (!isUncertain(error)) actionKeys.settle(request, key);
      if (!isUncertain(error) || retryDelayMs === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  }
}

async function send<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body: unknown, idempotencyKey: string | null): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': apiLanguage };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network_error', networkErrorMessages[apiLanguage] ?? networkErrorMessages.en!);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (response.status === 401 && path !== '/session') onSignedOut?.();
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${response.status}`, error?.details);
  }
  return parsed as T;
}

/** The sign-in's hint cookie (src/http/authentication.ts): a session may exist. */
const sessionHintCookie = 'tally_signed_in';
/** The page's cookies (the module also runs in Node for its tests, where there are none). */
const pageCookies = (): { cookie: string } => (globalThis as { document?: { cookie: string } }).document ?? { cookie: '' };

const org = (slug: string) => `/orgs/${encodeURIComponent(slug)}`;

export const api = {
  async signIn(email: string, password: string): Promise<Session> {
    const session = await call<Session>('POST', '/session', { email, password });
    csrfToken = session.csrf_token;
    return session;
  },
  /**
   * The current session, or null when not signed in. Without the sign-in's hint cookie there is
   * no session to ask about, so a fresh visit makes no request (and no 401 in the console).
   */
  async currentSession(): Promise<Session | null> {
    if (!pageCookies().cookie.split('; ').some((cookie) => cookie.startsWith(`${sessionHintCookie}=`))) return null;
    try {
      const session = await call<Session>('GET', '/session');
      csrfToken = session.csrf_token;
      return session;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // The session expired: forget the hint, so the next visit does not ask again.
        pageCookies().cookie = `${sessionHintCookie}=; Max-Age=0; path=/; SameSite=Strict`;
        return null;
      }
      throw error;
    }
  },
  async signOut(): Promise<void> {
    await call<void>('DELETE', '/session');
    csrfToken = null;
  },
  accounts(slug: string, query: AccountQuery): Promise<AccountPage> {
    const parameters = new URLSearchParams();
    if (query.search) parameters.set('search', query.search);
    if (query.unreconciled) parameters.set('unreconciled', 'true');
    if (query.sort) parameters.set('sort', query.sort);
    if (query.page) parameters.set('page', String(query.page));
    if (query.pageSize) parameters.set('page_size', String(query.pageSize));
    const text = parameters.toString();
    return call<AccountPage>('GET', `${org(slug)}/accounts${text ? `?${text}` : ''}`);
  },
  account(slug: string, accountId: string): Promise<AccountStatement> {
    return call<AccountStatement>('GET', `${org(slug)}/accounts/${encodeURIComponent(accountId)}`);
  },
};

/* Auto-reconcile runs (POST /runs, GET /runs/{id}, POST /runs/{id}/cancel, POST /runs/{id}/undo). */

/** reference: references first, then oldest first (the default); fifo: oldest first only. */
export const runStrategies = ['reference', 'fifo'] as const;
export type RunStrategy = (typeof runStrategies)[number];

/** Which accounts a run covers: every account, the hand-picked ones, or every one matching the list filter. */
export type RunScope =
  | { readonly all: true }
  | { readonly account_ids: readonly string[] }
  | { readonly filter: { readonly search?: string; readonly unreconciled?: boolean } };

export type LeftOpenReason = Exclude<OpenReason, 'in_agreement'>;
export type RunSummary = Static<typeof RunSummaryView>;
export type Run = Static<typeof RunView>;
export type RunListed = Static<typeof RunListItem>;
export type RunStatus = Run['status'];
export type RunAllocation = Static<typeof RunAllocationView>;
export type RunAccount = Static<typeof RunAccountView>;
export type RunUndone = Static<typeof RunUndoneResponse>;

export const runsApi = {
  preview(slug: string, scope: RunScope, strategy: RunStrategy = 'reference'): Promise<RunSummary> {
    return call<RunSummary>('POST', `${org(slug)}/runs`, { scope, strategy, dry_run: true });
  },
  start(slug: string, scope: RunScope, strategy: RunStrategy = 'reference'): Promise<{ run_id: string; status: 'queued'; accounts_total: number }> {
    return call('POST', `${org(slug)}/runs`, { scope, strategy });
  },
  run(slug: string, runId: string): Promise<Run> {
    return call<Run>('GET', `${org(slug)}/runs/${encodeURIComponent(runId)}`);
  },
  /** A queued run is cancelled at once; a running one stops after its current batch ('cancelling'). */
  cancel(slug: string, runId: string): Promise<{ status: 'cancelled' | 'cancelling' }> {
    return call<{ status: 'cancelled' | 'cancelling' }>('POST', `${org(slug)}/runs/${encodeURIComponent(runId)}/cancel`);
  },
  undo(slug: string, runId: string): Promise<RunUndone> {
    return call<RunUndone>('POST', `${org(slug)}/runs/${encodeURIComponent(runId)}/undo`);
  },
  /** The organisation's runs, newest first. */
  list(slug: string, query: { page?: number; pageSize?: number }): Promise<Static<typeof RunListResponse>> {
    return call('GET', `${org(slug)}/runs${queryText({ page: query.page, page_size: query.pageSize })}`);
  },
  allocations(slug: string, runId: string, query: { page?: number; pageSize?: number }): Promise<Static<typeof RunAllocationsResponse>> {
    return call('GET', `${org(slug)}/runs/${encodeURIComponent(runId)}/allocations${queryText({ page: query.page, page_size: query.pageSize })}`);
  },
  accounts(slug: string, runId: string, query: { page?: number; pageSize?: number }): Promise<Static<typeof RunAccountsResponse>> {
    return call('GET', `${org(slug)}/runs/${encodeURIComponent(runId)}/accounts${queryText({ page: query.page, page_size: query.pageSize })}`);
  },
};

export interface AllocationLineRequest {
  readonly receipt_id: string;
  readonly target_id: string;
  readonly amount: string;
}

/** Manual reconciliation: allocate several lines at once (all or nothing), remove one reconciliation. */
export const allocationApi = {
  allocate(slug: string, lines: readonly AllocationLineRequest[]): Promise<{ allocation_ids: string[] }> {
    return call<{ allocation_ids: string[] }>('POST', `${org(slug)}/allocations`, { lines });
  },
  remove(slug: string, allocationId: string): Promise<{ removed: true; amount: string }> {
    return call<{ removed: true; amount: string }>('DELETE', `${org(slug)}/allocations/${encodeURIComponent(allocationId)}`);
  },
};

/* Unreconciled items (GET /unreconciled) and the audit trail (GET /audit). */

export const unreconciledSorts = ['owner', 'account', 'remaining'] as const;
export type UnreconciledSort = (typeof unreconciledSorts)[number];

export type UnreconciledPage = Static<typeof UnreconciledResponse>;
export type UnreconciledAccount = UnreconciledPage['accounts'][number];
export type AuditPage = Static<typeof AuditResponse>;
export type AuditEvent = AuditPage['events'][number];

/** The audit list's filters, as the API names them. */
export interface AuditQuery {
  readonly accountId?: string | undefined;
  readonly runId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly actor?: string | undefined;
}
const auditParameters = (query: AuditQuery) => ({ account_id: query.accountId, run_id: query.runId, from: query.from, to: query.to, actor: query.actor });

function queryText(values: Record<string, string | number | undefined | null>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') parameters.set(name, String(value));
  const text = parameters.toString();
  return text ? `?${text}` : '';
}

export const reportsApi = {
  unreconciled(slug: string, query: { search?: string; sort?: UnreconciledSort; page?: number; pageSize?: number }): Promise<UnreconciledPage> {
    return call<UnreconciledPage>('GET', `${org(slug)}/unreconciled${queryText({ search: query.search, sort: query.sort, page: query.page, page_size: query.pageSize })}`);
  },
  audit(slug: string, query: AuditQuery & { page?: number; pageSize?: number }): Promise<AuditPage> {
    return call<AuditPage>('GET', `${org(slug)}/audit${queryText({ ...auditParameters(query), page: query.page, page_size: query.pageSize })}`);
  },
  /** Where the browser downloads the unreconciled items as CSV (the session cookie goes with it). */
  unreconciledCsvAddress(slug: string, query: { search?: string | undefined; sort?: UnreconciledSort }): string {
    return `/api/v1${org(slug)}/unreconciled.csv${queryText({ search: query.search, sort: query.sort })}`;
  },
  auditCsvAddress(slug: string, query: AuditQuery): string {
    return `/api/v1${org(slug)}/audit.csv${queryText(auditParameters(query))}`;
  },
};

/* Settings: reconciliation on/off, members and their roles, API tokens (manage_settings / manage_users). */

export interface OrganisationSettings {
  readonly slug: string;
  readonly name: string;
  readonly currency: string;
  readonly minor_digits: number;
  readonly time_zone: string;
  readonly reconciliation_enabled: boolean;
}

export interface Member {
  readonly user_id: string;
  readonly email: string;
  readonly role: string;
}

export interface Invitation {
  readonly invitation_id: string;
  readonly email: string;
  readonly role: string;
  readonly invited_by: string;
  readonly created_at: string;
  readonly expires_at: string;
}

/** What an invitation link offers, before it is accepted. */
export interface InvitationDetails {
  readonly organisation_name: string;
  readonly organisation_slug: string;
  readonly email: string;
  readonly role: string;
  readonly expires_at: string;
}

/** Invitations are looked up and accepted outside any organisation; the link's secret travels in the body. */
export const invitationApi = {
  lookup(token: string): Promise<InvitationDetails> {
    return call<InvitationDetails>('POST', '/invitations/lookup', { token });
  },
  /** Signed in: accepts as the current user. Otherwise name and password create the invited email's account, and sign it in. */
  async accept(token: string, account?: { name: string; password: string }): Promise<Session> {
    const session = await call<Session>('POST', '/invitations/accept', { token, ...account });
    csrfToken = session.csrf_token;
    return session;
  },
};

export interface ApiToken {
  readonly token_id: string;
  readonly name: string;
  readonly role: string;
  readonly created_by: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly revoked_at: string | null;
}

export type Permission = 'read_billing' | 'write_billing' | 'reconcile' | 'read_reports' | 'manage_settings' | 'manage_users';

/** A role and what it permits, as the server defines them (GET /roles lists them strongest first). */
export interface RoleDescription {
  readonly role: string;
  readonly permissions: readonly Permission[];
}

export const settingsApi = {
  roles(slug: string): Promise<{ roles: RoleDescription[] }> {
    return call<{ roles: RoleDescription[] }>('GET', `${org(slug)}/roles`);
  },
  settings(slug: string): Promise<OrganisationSettings> {
    return call<OrganisationSettings>('GET', `${org(slug)}/settings`);
  },
  setReconciliation(slug: string, enabled: boolean): Promise<OrganisationSettings> {
    return call<OrganisationSettings>('PATCH', `${org(slug)}/settings`, { reconciliation_enabled: enabled });
  },
  members(slug: string): Promise<{ users: Member[] }> {
    return call<{ users: Member[] }>('GET', `${org(slug)}/users`);
  },
  invitations(slug: string): Promise<{ invitations: Invitation[] }> {
    return call<{ invitations: Invitation[] }>('GET', `${org(slug)}/invitations`);
  },
  invite(slug: string, invitation: { email: string; role: string }): Promise<Invitation & { token: string }> {
    return call<Invitation & { token: string }>('POST', `${org(slug)}/invitations`, invitation);
  },
  revokeInvitation(slug: string, invitationId: string): Promise<void> {
    return call<void>('DELETE', `${org(slug)}/invitations/${encodeURIComponent(invitationId)}`);
  },
  changeRole(slug: string, userId: string, role: string): Promise<{ role: string }> {
    return call<{ role: string }>('PATCH', `${org(slug)}/users/${encodeURIComponent(userId)}`, { role });
  },
  removeMember(slug: string, userId: string): Promise<void> {
    return call<void>('DELETE', `${org(slug)}/users/${encodeURIComponent(userId)}`);
  },
  tokens(slug: string): Promise<{ tokens: ApiToken[] }> {
    return call<{ tokens: ApiToken[] }>('GET', `${org(slug)}/tokens`);
  },
  createToken(slug: string, token: { name: string; role: string }): Promise<ApiToken & { token: string }> {
    return call<ApiToken & { token: string }>('POST', `${org(slug)}/tokens`, token);
  },
  revokeToken(slug: string, tokenId: string): Promise<void> {
    return call<void>('DELETE', `${org(slug)}/tokens/${encodeURIComponent(tokenId)}`);
  },
};

/*
 * Reports (issue 10): collections by ledger code and RL-24 slips, as of any instant. The shapes
 * are the server's route schemas (http/report-schemas.ts); the line kinds and blocker reasons are
 * the core's.
 */

export { rl24BlockerReasons, type Rl24BlockerReason } from '../core/report-rl24.ts';
export type CollectionsSummary = Static<typeof CollectionsSummaryResponse>;
export type CollectionsLine = Static<typeof CollectionLineView>;
export type CollectionsLineKind = CollectionsLine['line'];
/** The lines a part can belong to (the total is no part's line). */
export type CollectionsPartLine = CollectionLineKind;
export const collectionsPartLines: readonly CollectionsPartLine[] = collectionLineKinds;
export type CollectionsDetail = Static<typeof CollectionsDetailResponse>;
export type CollectionsPart = Static<typeof CollectionPartView>;
export type Rl24Slips = Static<typeof Rl24Response>;
export type Rl24Slip = Static<typeof SlipLineView>;
export type Rl24Blockers = Static<typeof Rl24BlockersResponse>;
export type Rl24Blocker = Static<typeof BlockerView>;

export interface CollectionsQuery {
  readonly from: string;
  readonly to: string;
  /** An instant (ISO 8601 with its zone); the report as it stood then. */
  readonly asOf?: string | undefined;
}

export interface CollectionsDetailQuery extends CollectionsQuery {
  readonly line?: CollectionsPartLine | undefined;
  readonly ledgerCode?: string | undefined;
  readonly page?: number;
  readonly pageSize?: number;
}

export interface Rl24Query {
  readonly year: number;
  readonly asOf?: string | undefined;
}

const collectionsParameters = (query: CollectionsQuery) => ({ from: query.from, to: query.to, as_of: query.asOf });
const detailParameters = (query: CollectionsDetailQuery) => ({ ...collectionsParameters(query), detail: 'true', line: query.line, ledger_code: query.ledgerCode });

export const reportApi = {
  collections(slug: string, query: CollectionsQuery): Promise<CollectionsSummary> {
    return call<CollectionsSummary>('GET', `${org(slug)}/reports/collections${queryText(collectionsParameters(query))}`);
  },
  collectionsDetail(slug: string, query: CollectionsDetailQuery): Promise<CollectionsDetail> {
    return call<CollectionsDetail>('GET', `${org(slug)}/reports/collections${queryText({ ...detailParameters(query), page: query.page, page_size: query.pageSize })}`);
  },
  rl24(slug: string, query: Rl24Query & { search?: string | undefined; page?: number; pageSize?: number }): Promise<Rl24Slips> {
    return call<Rl24Slips>('GET', `${org(slug)}/reports/rl24${queryText({ year: query.year, as_of: query.asOf, search: query.search, page: query.page, page_size: query.pageSize })}`);
  },
  rl24Blockers(slug: string, query: Rl24Query & { reason?: BlockerReason | undefined; page?: number; pageSize?: number }): Promise<Rl24Blockers> {
    return call<Rl24Blockers>('GET', `${org(slug)}/reports/rl24/blockers${queryText({ year: query.year, as_of: query.asOf, reason: query.reason, page: query.page, page_size: query.pageSize })}`);
  },
  /* The addresses the CSV downloads read with Accept: text/csv (every row, not a page). */
  collectionsCsvAddress(slug: string, query: CollectionsQuery): string {
    return `/api/v1${org(slug)}/reports/collections${queryText(collectionsParameters(query))}`;
  },
  collectionsDetailCsvAddress(slug: string, query: CollectionsDetailQuery): string {
    return `/api/v1${org(slug)}/reports/collections${queryText(detailParameters(query))}`;
  },
  rl24CsvAddress(slug: string, query: Rl24Query): string {
    return `/api/v1${org(slug)}/reports/rl24${queryText({ year: query.year, as_of: query.asOf })}`;
  },
  rl24BlockersCsvAddress(slug: string, query: Rl24Query): string {
    return `/api/v1${org(slug)}/reports/rl24/blockers${queryText({ year: query.year, as_of: query.asOf })}`;
  },
};

/** A CSV the server wrote, as a file for the browser to save. */
export interface CsvFile {
  readonly fileName: string;
  readonly content: Blob;
}

const fileNamePattern = /filename="([^"]+)"/;

/**
 * Reads a report's CSV: the same address as its JSON, asked with `Accept: text/csv` (a plain link
 * cannot send that header). The session cookie goes with it; a refusal is an ApiError like any other.
 */
export async function downloadCsv(address: string, fallbackFileName: string): Promise<CsvFile> {
  let response: Response;
  try {
    response = await fetch(address, { headers: { accept: 'text/csv', 'accept-language': apiLanguage }, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network_error', networkErrorMessages[apiLanguage] ?? networkErrorMessages.en!);
  }
  if (!response.ok) {
    const text = await response.text();
    let error: { code?: string; message?: string; details?: unknown } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      error = undefined;
    }
    if (response.status === 401) onSignedOut?.();
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The server answered ${response.status}`, error?.details);
  }
  const fileName = fileNamePattern.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackFileName;
  return { fileName, content: await response.blob() };
}
