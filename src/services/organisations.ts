import { currencyMinorDigits } from '../core/currency.ts';
import { refuse, unwrap, type Outcome } from '../core/outcome.ts';
import type { Database, SqlExecutor } from '../storage/database.ts';
import { outcomeOf } from './context.ts';

export interface Organisation {
  readonly id: bigint;
  readonly slug: string;
  readonly name: string;
  readonly currency: string;
  readonly minorDigits: number;
  readonly timeZone: string;
  readonly reconciliationEnabled: boolean;
}

const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const columns = `id, slug, name, currency, minor_digits, time_zone, reconciliation_enabled`;

interface OrganisationRecord {
  id: bigint;
  slug: string;
  name: string;
  currency: string;
  minor_digits: number;
  time_zone: string;
  reconciliation_enabled: boolean;
}

function fromRecord(record: OrganisationRecord): Organisation {
  return {
    id: record.id,
    slug: record.slug,
    name: record.name,
    currency: record.currency,
    minorDigits: Number(record.minor_digits),
    timeZone: record.time_zone,
    reconciliationEnabled: record.reconciliation_enabled,
  };
}

export async function findOrganisation(executor: SqlExecutor, slug: string): Promise<Outcome<Organisation>> {
  return outcomeOf(async () => {
    const [record] = await executor.query<OrganisationRecord>(`select ${columns} from organisation where slug = $1`, [slug]);
    if (!record) refuse('organisation_not_found', `No organisation has the slug "${slug}"`, { path: 'org', values: { slug } });
    return fromRecord(record);
  });
}

export interface NewOrganisation {
  readonly slug: string;
  readonly name?: string;
  readonly currency?: string;
  readonly timeZone?: string;
}

export async function createOrganisation(database: Database, input: NewOrganisation): Promise<Outcome<Organisation>> {
  return outcomeOf(async () => {
    if (!slugPattern.test(input.slug)) refuse('slug_is_invalid', `"${input.slug}" must be lower-case letters, digits and dashes`, { path: 'slug', values: { text: input.slug } });
    const currency = (input.currency ?? 'CAD').toUpperCase();
    const minorDigits = unwrap(currencyMinorDigits(currency));
    const rows = await database.query<OrganisationRecord>(
      `insert into organisation (slug, name, currency, minor_digits, time_zone) values ($1, $2, $3, $4, $5)
       on conflict (slug) do nothing returning ${columns}`,
      [input.slug, input.name ?? input.slug, currency, minorDigits, input.timeZone ?? 'America/Toronto'],
    );
    if (!rows[0]) refuse('organisation_exists', `An organisation with the slug "${input.slug}" already exists`, { path: 'slug', values: { slug: input.slug } });
    return fromRecord(rows[0]);
  });
}

/** Finds the organisation, creating it when new (import); an existing one must have the same currency. */
export async function findOrCreateOrganisation(database: Database, input: NewOrganisation): Promise<Outcome<Organisation>> {
  const found = await findOrganisation(database, input.slug);
  if (!found.ok) return createOrganisation(database, input);
  if (input.currency && input.currency.toUpperCase() !== found.value.currency) {
    return {
      ok: false,
      refusal: { code: 'value_is_not_allowed', message: `Organisation ${input.slug} uses ${found.value.currency}, not ${input.currency.toUpperCase()}`, path: 'currency' },
    };
  }
  return found;
}

export async function setReconciliationEnabled(database: Database, organisation: Organisation, enabled: boolean): Promise<Organisation> {
  await database.query('update organisation set reconciliation_enabled = $2 where id = $1', [organisation.id, enabled]);
  return { ...organisation, reconciliationEnabled: enabled };
}
