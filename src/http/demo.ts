import { generateOrganisation } from '../generate/generate-organisation.ts';
import type { Database } from '../storage/database.ts';
import type { DemoSeeder } from './server.ts';
import { createOwner } from './server.ts';

export const demoOrganisationSlug = 'demo';
/** Accounts in the demo organisation: enough to page, search and reconcile in bulk, quick to create. */
export const demoAccountsCount = 500;
export const demoSeed = 20261121;

/**
 * On a first start — no user yet, and no organisation but the demo one — creates the demo
 * organisation with realistic generated data and an owner (TALLY_ADMIN_EMAIL /
 * TALLY_ADMIN_PASSWORD, or a generated password printed once). A first start that was interrupted
 * (Ctrl-C while seeding) left the demo organisation part-made and no user: the next start resumes
 * the generation where it stopped and creates the owner, so the credentials are printed then.
 * A database with a user, or with organisations of its own, is left alone.
 */
export const seedDemoOrganisation: DemoSeeder = async (database: Database, settings) => {
  const [existing] = await database.query<{ users: bigint; other_organisations: bigint }>(
    `select (select count(*) from app_user) as users, (select count(*) from organisation where slug <> $1) as other_organisations`,
    [demoOrganisationSlug],
  );
  if (existing!.users > 0n || existing!.other_organisations > 0n) return null;
  const generated = await generateOrganisation(database, { slug: demoOrganisationSlug, accountsCount: demoAccountsCount, seed: demoSeed, actor: 'system:demo' });
  if (!generated.ok) throw new Error(`could not create the demo organisation: ${generated.refusal.message}`);
  const owner = await createOwner(database, generated.value.organisation.id, settings.adminEmail, settings.adminPassword);
  return { slug: demoOrganisationSlug, ...owner };
};
