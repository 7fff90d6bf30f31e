import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { parseAccountRow, parseParticipantRow, parseReceiptRow } from '../../core/ledger-rows.ts';
import { accountStatement } from '../../services/account-view.ts';
import { accountSorts, listAccounts, type AccountSort } from '../../storage/account-list-sql.ts';
import { createAccount, createParticipant, payBalance } from '../../services/ledger.ts';
import { parseJsonRow, valueOrThrow } from '../body-parsing.ts';
import { pageSizeDefault } from '../http-limits.ts';
import { scopeOf } from '../organisation-scope.ts';
import { Amount, CalendarDateText, errorResponses, ExternalId, OrganisationParams, PageQuery, Text } from '../schemas.ts';
import { AccountStatementView } from '../account-schemas.ts';
import { accountStatementView, money } from '../views.ts';

const AccountParams = Type.Object({ ...OrganisationParams.properties, account: ExternalId });
const CreatedResponse = Type.Object({ created: Type.Boolean({ description: 'false when the id already existed with the same content (a retry)' }) });

const AccountListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200 })),
  unreconciled: Type.Optional(Type.Boolean({ description: 'only accounts with unreconciled payments, deposits, credits, cancellations or refunds' })),
  sort: Type.Optional(Type.Union(accountSorts.map((sort) => Type.Literal(sort)), { default: 'owner' })),
  ...PageQuery,
}, { additionalProperties: false });

const NewAccount = Type.Object({ account_id: ExternalId, owner_name: Text, owner_email: Type.Optional(Text) }, { additionalProperties: false });
const NewParticipant = Type.Object({ participant_id: ExternalId, name: Text, birth_date: Type.Optional(CalendarDateText) }, { additionalProperties: false });
const BalancePayment = Type.Object(
  { receipt_id: ExternalId, date: CalendarDateText, amount: Amount, method: Type.Optional(Type.String({ maxLength: 20 })) },
  { additionalProperties: false },
);

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/accounts',
    {
      config: { permission: 'read_billing' },
      schema: {
        tags: ['accounts'],
        summary: 'List accounts: search, filter, sort, page',
        params: OrganisationParams,
        querystring: AccountListQuery,
        response: {
          200: Type.Object({
            total: Type.Integer(),
            page: Type.Integer(),
            page_size: Type.Integer(),
            accounts: Type.Array(Type.Object({ account_id: Type.String(), owner_name: Type.String(), owner_email: Type.String(), balance: Type.String(), unreconciled_count: Type.Integer() })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const query = request.query as Static<typeof AccountListQuery>;
      const page = query.page ?? 1;
      const pageSize = query.page_size ?? pageSizeDefault;
      const list = await listAccounts(context.database, context.organisation.id, { search: query.search, unreconciledOnly: query.unreconciled }, { sort: (query.sort ?? 'owner') as AccountSort, page, pageSize });
      return {
        total: list.total,
        page,
        page_size: pageSize,
        accounts: list.accounts.map((account) => ({
          account_id: account.accountId,
          owner_name: account.ownerName,
          owner_email: account.ownerEmail,
          balance: money(account.balanceMinor, context.organisation.minorDigits),
          unreconciled_count: account.unreconciledCount,
        })),
      };
    },
  );

  app.post(
    '/accounts',
    { config: { permission: 'write_billing' }, schema: { tags: ['accounts'], summary: 'Create an account', params: OrganisationParams, body: NewAccount, response: { 200: CreatedResponse, 201: CreatedResponse, ...errorResponses } } },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const row = parseJsonRow(parseAccountRow, request.body as Record<string, unknown>);
      const result = valueOrThrow(await createAccount(context, row));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/accounts/:account',
    {
      config: { permission: 'read_billing' },
      schema: {
        tags: ['accounts'],
        summary: 'One account: balance, documents newest first with status and remainder, allocations, and what is left open and why',
        params: AccountParams,
        response: { 200: AccountStatementView, ...errorResponses },
      },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { account } = request.params as Static<typeof AccountParams>;
      return accountStatementView(valueOrThrow(await accountStatement(context, account)), context.organisation.minorDigits);
    },
  );

  app.post(
    '/accounts/:account/participants',
    { config: { permission: 'write_billing' }, schema: { tags: ['accounts'], summary: 'Add a participant to an account', params: AccountParams, body: NewParticipant, response: { 200: CreatedResponse, 201: CreatedResponse, ...errorResponses } } },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const { account } = request.params as Static<typeof AccountParams>;
      const row = parseJsonRow(parseParticipantRow, { ...(request.body as Record<string, unknown>), account_id: account });
      const result = valueOrThrow(await createParticipant(context, row));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.post(
    '/accounts/:account/balance-payments',
    {
      config: { permission: 'write_billing' },
      schema: {
        tags: ['checkout'],
        summary: 'The client pays the account balance; it must equal the balance and covers open debits oldest first',
        params: AccountParams,
        body: BalancePayment,
        response: { 201: Type.Object({ balance: Type.String(), allocations_count: Type.Integer() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const { account } = request.params as Static<typeof AccountParams>;
      const body = request.body as Static<typeof BalancePayment>;
      const row = parseJsonRow((fields) => parseReceiptRow(fields, context.organisation.minorDigits), { ...body, account_id: account, kind: 'payment', method: body.method ?? 'online' });
      const result = valueOrThrow(await payBalance(context, { receiptId: row.receiptId, accountId: row.accountId, date: row.date, amountMinor: row.amountMinor, method: row.method }));
      return reply.status(201).send({ balance: money(result.balanceMinor, context.organisation.minorDigits), allocations_count: result.allocationsCount });
    },
  );
}
