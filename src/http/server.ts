import { randomBytes } from 'node:crypto';
import type { Database } from '../storage/database.ts';
import { databaseSettingsFromEnvironment, openDatabase, type DatabaseSettings } from '../storage/open-database.ts';
import { addUser } from '../services/access/users.ts';
import { buildApp, type TallyApp } from './app.ts';
import { pruneIdempotencyKeys } from './idempotency.ts';
import { jobLeaseMs } from '../jobs/job-queue.ts';
import { startJobWorker } from '../jobs/job-worker.ts';
import { reconcileJobHandler } from '../jobs/reconcile-job.ts';
import { backgroundStatementTimeoutMs, runBatchAccountsMax } from '../core/limits.ts';

export interface ServerSettings {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseSettings;
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
  readonly secureCookies: boolean;
  /** The background job lease (TALLY_JOB_LEASE_MS); a crashed process's run resumes after it. */
  readonly jobLeaseMs: number;
  /** Accounts per batch of a background run (TALLY_RUN_BATCH_ACCOUNTS). */
  readonly runBatchAccounts: number;
  /** The structured log's level (LOG_LEVEL). */
  readonly logLevel: string;
}

export function serverSettingsFromEnvironment(environment: NodeJS.ProcessEnv = process.env): ServerSettings {
  return {
    port: Number(environment.PORT ?? 3000),
    host: environment.HOST ?? 'localhost',
    database: databaseSettingsFromEnvironment(environment),
    adminEmail: environment.TALLY_ADMIN_EMAIL ?? 'admin@example.org',
    adminPassword: environment.TALLY_ADMIN_PASSWORD || undefined,
    secureCookies: environment.TALLY_SECURE_COOKIES === 'true',
    jobLeaseMs: Number(environment.TALLY_JOB_LEASE_MS ?? jobLeaseMs),
    runBatchAccounts: Number(environment.TALLY_RUN_BATCH_ACCOUNTS ?? runBatchAccountsMax),
    logLevel: environment.LOG_LEVEL ?? 'info',
  };
}

/** How often expired idempotency keys are pruned. */
const pruneIntervalMs = 60 * 60 * 1000;

export interface RunningServer {
  readonly app: TallyApp;
  readonly database: Database;
  readonly url: string;
  stop(): Promise<void>;
}

/** Seeds a demo organisation the first time the server starts on an empty database. */
export type DemoSeeder = (database: Database, settings: ServerSettings) => Promise<{ slug: string; email: string; password: string } | null>;

/**
 * Starts Tally: opens (and migrates) the database, seeds the demo on first start, listens, and
 * shuts down gracefully on SIGINT/SIGTERM: stop accepting requests, let those in flight finish,
 * stop background work at a batch boundary, then close the database.
 */
export async function startServer(settings: ServerSettings, seedDemo?: DemoSeeder): Promise<RunningServer> {
  const database = await openDatabase(settings.database);
  const demo = seedDemo ? await seedDemo(database, settings) : null;
  const app = await buildApp({ database, logger: { level: settings.logLevel }, secureCookies: settings.secureCookies });
  // Expired keys are refused by their age at lookup; pruning only frees their rows, from the start on.
  const pruneKeys = () => {
    pruneIdempotencyKeys(database).catch((error: unknown) => app.log.error({ err: error }, 'pruning idempotency keys failed'));
  };
  pruneKeys();
  const prune = setInterval(pruneKeys, pruneIntervalMs);
  prune.unref();
  // Background runs use the heavy pool and their own, longer, statement bound.
  const backgroundDatabase = database.forHeavyWork().withLimits({ statementTimeoutMs: backgroundStatementTimeoutMs });
  const worker = startJobWorker(backgroundDatabase, reconcileJobHandler(backgroundDatabase, { batchAccounts: settings.runBatchAccounts }), {
    leaseMs: settings.jobLeaseMs,
    onError: (error, job) => app.log.error({ err: error, jobId: job.jobId.toString() }, 'background job failed'),
  });
  const address = await app.listen({ port: settings.port, host: settings.host });
  const url = `http://${settings.host}:${settings.port}`;
  app.log.info({ url, engine: database.dialect }, 'Tally is listening');
  if (demo) {
    process.stdout.write(
      `\nTally is running at ${url} (API docs at ${url}/api/docs)\n` +
        `Demo organisation "${demo.slug}" created. Sign in with:\n  email:    ${demo.email}\n  password: ${demo.password}\n\n`,
    );
  } else process.stdout.write(`\nTally is running at ${url} (listening on ${address})\n\n`);
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(prune);
      // Stop taking requests and let those in flight finish, then let the running job finish its
      // batch and hand the job back (a restart resumes it), then close the database.
      await app.close();
      await worker.stop();
      await database.close();
    })();
    return stopping;
  };
  return { app, database, url, stop };
}

/** Adds the first owner of a new organisation, with a generated password when none is given. */
export async function createOwner(database: Database, organisationId: bigint, email: string, password: string | undefined): Promise<{ email: string; password: string }> {
  const chosen = password ?? randomBytes(12).toString('base64url');
  const outcome = await addUser(database, organisationId, { email, password: chosen, role: 'owner' });
  if (!outcome.ok) throw new Error(`could not create the owner ${email}: ${outcome.refusal.message}`);
  return { email: outcome.value.user.email, password: chosen };
}
