import { generateOrganisation } from '../generate/generate-organisation.ts';
import type { Database } from '../storage/database.ts';
import type { DemoSeeder } from './server.ts';
import { createOwner } from './server.ts';

export const demoOrganisationSlug = 'demo';
/** Accounts in the demo organisation: enough to page, search and reconcile in bulk, quick to create. */
export const demoAccountsCount = 500;
export const demoSeed = 20261121;

/**
 * On a database without any organisation, creates the demo organisation with realistic generated
 * data and an owner (TALLY_ADMIN_EMAIL / TALLY_ADMIN_PASSWORD, or a generated password printed
 * once). An existing database is left alone.
 */
export const seedDemoOrganisation: DemoSeeder = async (database: Database, settings) => {
  const [existing] = await database.query<{ count: bigint }>('select count(*) as count from organisation');
  if (existing!.count > 0n) return null;
  const generated = await generateOrganisation(database, { slug: demoOrganisationSlug, accountsCount: demoAccountsCount, seed: demoSeed, actor: 'system:demo' });
  if (!generated.ok) throw new Error(`could not create the demo organisation: ${generated.refusal.message}`);
  const owner = await createOwner(database, generated.value.organisation.id, settings.adminEmail, settings.adminPassword);
  return { slug: demoOrganisationSlug, ...owner };
};
