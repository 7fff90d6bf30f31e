import { userInfo } from 'node:os';
import type { Database } from '../storage/database.ts';
import { databaseSettingsFromEnvironment, openDatabase } from '../storage/open-database.ts';
import type { TallyContext } from '../services/context.ts';
import { findOrganisation } from '../services/organisations.ts';
import { orStop } from './cli-output.ts';

/** The audit trail names the operator: `cli:<login>`, or TALLY_ACTOR when a script sets it. */
export function cliActor(): string {
  if (process.env.TALLY_ACTOR) return process.env.TALLY_ACTOR;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * Opens the database of DATABASE_URL / TALLY_DATA (bringing its schema up to date unless told not
 * to), runs `work`, and always closes it.
 */
export async function withDatabase<T>(work: (database: Database) => Promise<T>, options: { migrate: boolean } = { migrate: true }): Promise<T> {
  const database = await openDatabase(databaseSettingsFromEnvironment(), options);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Opens the database and the organisation named by --org. */
export async function withOrganisation<T>(slug: string, work: (context: TallyContext) => Promise<T>): Promise<T> {
  return withDatabase(async (database) => {
    const organisation = orStop(await findOrganisation(database, slug));
    return work({ database, organisation, actor: cliActor() });
  });
}
