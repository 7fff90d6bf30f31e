import { Type, type Static } from 'typebox';
import { collectionLineKinds } from '../core/report-collections.ts';
import { rl24BlockerReasons } from '../core/report-rl24.ts';
import { paymentMethods } from '../core/document-kinds.ts';

/**
 * The wire shapes of the reports (docs/reports.md, /work REPORTS-CONTRACT). Routes validate and
 * document with them; the web page takes its types from them. Pure: TypeBox only.
 */
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'A date, YYYY-MM-DD' });
const Money = Type.String({ description: "A decimal amount with exactly the currency's minor digits, e.g. \"120.50\"" });
const Instant = Type.String({ format: 'date-time', description: 'The instant the report stands at' });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const paging = { page: Type.Integer(), page_size: Type.Integer(), total_count: Type.Integer({ description: 'rows matching, over all pages' }) };

export const CollectionLineView = Type.Object({
  line: Type.Enum([...collectionLineKinds, 'total']),
  ledger_code: Nullable(Type.String()),
  collected: Money,
  refunded: Money,
  net: Money,
});

export const CollectionsSummaryResponse = Type.Object({
  from: Day,
  to: Day,
  as_of: Instant,
  currency: Type.String(),
  lines: Type.Array(CollectionLineView, { description: 'ledger codes (by code), then no_ledger_code, then unallocated, then total' }),
  unallocated_document_count: Type.Integer({ description: 'money-in documents and refunds of the period with a part not allocated or not covered' }),
});

export const CollectionPartView = Type.Object({
  day: Day,
  account_id: Type.String(),
  document_id: Type.String(),
  kind: Type.Enum(['payment', 'deposit', 'refund']),
  method: Type.Union([Type.Enum(paymentMethods), Type.Null()]),
  counterpart_id: Nullable(Type.String({ description: 'money in: the item or refund it is allocated to; a refund: the credit covering it; null for the remainder' })),
  invoice_id: Nullable(Type.String()),
  ledger_code: Nullable(Type.String()),
  participant_id: Nullable(Type.String()),
  line: Type.Enum(collectionLineKinds),
  amount: Type.String({ description: 'signed: money in positive, refunds negative' }),
});

export const CollectionsDetailResponse = Type.Object({
  from: Day,
  to: Day,
  as_of: Instant,
  currency: Type.String(),
  ...paging,
  parts: Type.Array(CollectionPartView),
});

export const CollectionsResponse = Type.Union([CollectionsSummaryResponse, CollectionsDetailResponse], { description: 'the summary, or with detail=true one page of the detail parts' });

export const SlipLineView = Type.Object({
  account_id: Type.String(),
  owner_name: Type.String(),
  participant_id: Type.String(),
  participant_name: Type.String(),
  birth_date: Nullable(Day),
  paid: Money,
  refunded: Money,
  amount: Money,
});

export const Rl24Response = Type.Object({
  year: Type.Integer(),
  as_of: Instant,
  currency: Type.String(),
  totals: Type.Object({ slip_count: Type.Integer(), amount: Money }, { description: 'over all slip lines, whatever the search' }),
  ...paging,
  slips: Type.Array(SlipLineView),
});

export const BlockerView = Type.Object({
  account_id: Type.String(),
  id: Type.String({ description: 'the document, or the participant for the participant reasons and refunds_exceed_payments' }),
  reason: Type.Enum(rl24BlockerReasons),
  amount: Money,
});

export const Rl24BlockersResponse = Type.Object({
  year: Type.Integer(),
  as_of: Instant,
  currency: Type.String(),
  reasons: Type.Array(Type.Object({ reason: Type.Enum(rl24BlockerReasons), count: Type.Integer(), amount: Money }), { description: 'every reason with blockers, in the order of the reasons' }),
  ...paging,
  blockers: Type.Array(BlockerView),
});

export type CollectionsSummaryBody = Static<typeof CollectionsSummaryResponse>;
export type CollectionsDetailBody = Static<typeof CollectionsDetailResponse>;
export type Rl24Body = Static<typeof Rl24Response>;
export type Rl24BlockersBody = Static<typeof Rl24BlockersResponse>;
export type CollectionPartBody = Static<typeof CollectionPartView>;
export type BlockerBody = Static<typeof BlockerView>;
