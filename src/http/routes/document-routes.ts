import { Type, type Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { CalendarDate } from '../../core/calendar-date.ts';
import { parseCalendarDate } from '../../core/calendar-date.ts';
import { invoiceItemsMax } from '../../core/limits.ts';
import { parseInvoiceItemRow, parseReceiptRow, parseRefundRow } from '../../core/ledger-rows.ts';
import { checkout, collectPayment, createInvoice, createReceipt, createRefund, voidPayment, type InvoiceItemInput } from '../../services/ledger.ts';
import { parseJsonRow, valueOrThrow } from '../body-parsing.ts';
import { scopeOf } from '../organisation-scope.ts';
import { Amount, CalendarDateText, errorResponses, ExternalId, NonNegativeAmount, OrganisationParams, Text } from '../schemas.ts';

const CreatedResponse = Type.Object({ created: Type.Boolean({ description: 'false when the id already existed with the same content (a retry)' }) });
const ReceiptParams = Type.Object({ ...OrganisationParams.properties, receipt: ExternalId });
const Method = Type.String({ maxLength: 20, description: 'cash, cheque, card, eft, online or other' });

const Item = Type.Object(
  {
    item_id: ExternalId,
    description: Type.Optional(Text),
    ledger_code: Type.Optional(Type.String({ maxLength: 100 })),
    amount: NonNegativeAmount,
    participant_id: Type.Optional(ExternalId),
    rl24_eligible: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const InvoiceHeaderFields = { invoice_id: ExternalId, account_id: ExternalId, date: CalendarDateText, items: Type.Array(Item, { minItems: 1, maxItems: invoiceItemsMax }) };
const NewInvoice = Type.Object(InvoiceHeaderFields, { additionalProperties: false });
const NewReceipt = Type.Object(
  {
    receipt_id: ExternalId,
    account_id: ExternalId,
    date: CalendarDateText,
    kind: Type.Union([Type.Literal('payment'), Type.Literal('deposit'), Type.Literal('credit'), Type.Literal('cancellation')]),
    amount: Amount,
    method: Type.Optional(Method),
    reference: Type.Optional(Type.String({ maxLength: 100, description: 'An invoice, item or refund id this receipt is for; a cancellation names its item' })),
    scheduled: Type.Optional(Type.Boolean({ description: 'a post-dated installment not yet collected' })),
  },
  { additionalProperties: false },
);
const NewRefund = Type.Object(
  { refund_id: ExternalId, account_id: ExternalId, date: CalendarDateText, amount: Amount, method: Type.Optional(Method), reference: Type.Optional(Text) },
  { additionalProperties: false },
);
const CheckoutPayment = Type.Object(
  { receipt_id: ExternalId, date: CalendarDateText, amount: Amount, method: Type.Optional(Method), scheduled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const NewCheckout = Type.Object({ ...InvoiceHeaderFields, payments: Type.Array(CheckoutPayment, { maxItems: 120 }) }, { additionalProperties: false });

type InvoiceBody = Static<typeof NewInvoice>;

/** Parses the invoice of a body with the same rules as invoices.csv; errors name `items[i].field`. */
function invoiceOf(body: InvoiceBody, minorDigits: number) {
  const rows = body.items.map((item, index) =>
    parseJsonRow((fields) => parseInvoiceItemRow(fields, minorDigits), { ...item, invoice_id: body.invoice_id, account_id: body.account_id, date: body.date }, `items[${index}].`),
  );
  const header = { invoiceId: rows[0]!.invoiceId, accountId: rows[0]!.accountId, date: rows[0]!.date };
  const items: InvoiceItemInput[] = rows.map((row) => ({ itemId: row.itemId, description: row.description, ledgerCode: row.ledgerCode, amountMinor: row.amountMinor, participantId: row.participantId, rl24Eligible: row.rl24Eligible }));
  return { header, items };
}

export async function documentRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/invoices',
    { config: { permission: 'write_billing' }, schema: { tags: ['documents'], summary: 'Create an invoice with its items (whole: the same id with other items is refused)', params: OrganisationParams, body: NewInvoice, response: { 200: CreatedResponse, 201: CreatedResponse, ...errorResponses } } },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const { header, items } = invoiceOf(request.body as InvoiceBody, context.organisation.minorDigits);
      const result = valueOrThrow(await createInvoice(context, header, items));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.post(
    '/receipts',
    { config: { permission: 'write_billing' }, schema: { tags: ['documents'], summary: 'Record a payment (or scheduled installment), deposit, credit or cancellation', params: OrganisationParams, body: NewReceipt, response: { 200: CreatedResponse, 201: CreatedResponse, ...errorResponses } } },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const row = parseJsonRow((fields) => parseReceiptRow(fields, context.organisation.minorDigits), request.body as Record<string, unknown>);
      const result = valueOrThrow(await createReceipt(context, row));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.post(
    '/refunds',
    { config: { permission: 'write_billing' }, schema: { tags: ['documents'], summary: 'Record money paid back to the client', params: OrganisationParams, body: NewRefund, response: { 200: CreatedResponse, 201: CreatedResponse, ...errorResponses } } },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const row = parseJsonRow((fields) => parseRefundRow(fields, context.organisation.minorDigits), request.body as Record<string, unknown>);
      const result = valueOrThrow(await createRefund(context, row));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.post(
    '/receipts/:receipt/collect',
    {
      config: { permission: 'write_billing' },
      schema: { tags: ['documents'], summary: 'Mark a scheduled installment collected', params: ReceiptParams, body: Type.Object({ collected_on: CalendarDateText }, { additionalProperties: false }), response: { 200: Type.Object({ collected: Type.Boolean() }), ...errorResponses } },
    },
    async (request) => {
      const { context } = scopeOf(request);
      const { receipt } = request.params as Static<typeof ReceiptParams>;
      const collectedOn = parseJsonRow((fields) => {
        const outcome = parseCalendarDate(fields.collected_on ?? '');
        return outcome.ok ? outcome : { ok: false as const, refusal: { ...outcome.refusal, path: 'collected_on' } };
      }, request.body as Record<string, unknown>) as CalendarDate;
      valueOrThrow(await collectPayment(context, receipt, collectedOn));
      return { collected: true };
    },
  );

  app.post(
    '/receipts/:receipt/void',
    { config: { permission: 'write_billing' }, schema: { tags: ['documents'], summary: 'Void a payment (failed installment, bounced cheque); its allocations are removed, kept as history', params: ReceiptParams, response: { 200: Type.Object({ allocations_removed: Type.Integer() }), ...errorResponses } } },
    async (request) => {
      const { context } = scopeOf(request);
      const { receipt } = request.params as Static<typeof ReceiptParams>;
      const result = valueOrThrow(await voidPayment(context, receipt));
      return { allocations_removed: result.allocationsRemoved };
    },
  );

  app.post(
    '/checkouts',
    {
      config: { permission: 'write_billing' },
      schema: {
        tags: ['checkout'],
        summary: 'An invoice with its payments or installment schedule; paid in full, the payments are allocated over the items in item order',
        params: OrganisationParams,
        body: NewCheckout,
        response: { 200: Type.Object({ created: Type.Boolean(), reconciliation: Type.String(), allocations_count: Type.Integer() }), 201: Type.Object({ created: Type.Boolean(), reconciliation: Type.String(), allocations_count: Type.Integer() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { context } = scopeOf(request);
      const body = request.body as Static<typeof NewCheckout>;
      const { header, items } = invoiceOf(body, context.organisation.minorDigits);
      const payments = body.payments.map((payment, index) => {
        const row = parseJsonRow(
          (fields) => parseReceiptRow(fields, context.organisation.minorDigits),
          { ...payment, account_id: body.account_id, kind: 'payment', method: payment.method ?? 'online' },
          `payments[${index}].`,
        );
        return { receiptId: row.receiptId, date: row.date, amountMinor: row.amountMinor, method: row.method, scheduled: row.scheduled };
      });
      const result = valueOrThrow(await checkout(context, header, items, payments));
      return reply.status(result.created ? 201 : 200).send({ created: result.created, reconciliation: result.reconciliation, allocations_count: result.allocationsCount });
    },
  );
}
