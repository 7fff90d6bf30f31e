import type { Database, SqlExecutor } from '../storage/database.ts';
import { backOffJob, claimJob, finishJob, jobAttemptsMax, jobLeaseMs, jobPollIntervalMs, jobRetryDelayFirstMs, jobRetryDelayMs, newWorkerName, releaseJob, holdsLease, type ClaimedJob } from './job-queue.ts';

/** What a job handler may ask of the worker running it. */
export interface JobControl {
  readonly worker: string;
  /** True once the process is shutting down: finish the current unit of work and return 'stopped'. */
  stopping(): boolean;
  /** Call inside each unit of work's transaction; returns false (roll back!) if the lease was lost. */
  holdsLease(transaction: SqlExecutor): Promise<{ held: boolean; cancelRequested: boolean }>;
}

/**
 * How an attempt ended: the job ends with its work ('completed', 'cancelled', or 'failed' when the
 * work had already ended failed), or 'stopped' gives it back (shutdown, lost lease). An attempt that
 * throws failed: the job backs off and is tried again, up to a bounded number of attempts.
 */
export type JobResult = 'completed' | 'cancelled' | 'failed' | 'stopped';

export interface JobHandler {
  run(job: ClaimedJob, control: JobControl): Promise<JobResult>;
  /** In the transaction that backs the job off: record on its work why the attempt failed and when the next is due. */
  retrying(transaction: SqlExecutor, job: ClaimedJob, message: string, delayMs: number): Promise<void>;
  /** In the transaction that gives the job up: mark its work failed, with the reason. */
  failed(transaction: SqlExecutor, job: ClaimedJob, message: string): Promise<void>;
}

export interface JobWorkerOptions {
  readonly leaseMs?: number;
  readonly pollIntervalMs?: number;
  /** The wait after a first failed attempt (doubled at each further failure); tests shorten it. */
  readonly retryDelayFirstMs?: number;
  readonly attemptsMax?: number;
  readonly onError?: (error: unknown, job: ClaimedJob) => void;
}

export interface JobWorker {
  readonly name: string;
  /** Stops claiming; lets the running job finish its unit of work and gives the job back. */
  stop(): Promise<void>;
}

/**
 * Runs jobs one at a time in this process. One worker per server process is enough: a run
 * already uses the database's parallelism inside, and more processes add more workers.
 */
export function startJobWorker(database: Database, handler: JobHandler, options: JobWorkerOptions = {}): JobWorker {
  const name = newWorkerName();
  const leaseMs = options.leaseMs ?? jobLeaseMs;
  const attemptsMax = options.attemptsMax ?? jobAttemptsMax;
  let stopping = false;
  let wake: (() => void) | null = null;

  const giveUp = (job: ClaimedJob, message: string) =>
    database.transaction(async (transaction) => {
      await finishJob(transaction, job, name, 'failed', message);
      await handler.failed(transaction, job, message);
    });

  const runOne = async (job: ClaimedJob) => {
    // A job claimed more often than allowed (its process kept dying under it) is not tried again.
    if (job.attempts > attemptsMax) {
      await giveUp(job, `gave up after ${attemptsMax} attempts`);
      return;
    }
    const control: JobControl = { worker: name, stopping: () => stopping, holdsLease: (transaction) => holdsLease(transaction, job, name, leaseMs) };
    try {
      const result = await handler.run(job, control);
      if (result === 'stopped') await releaseJob(database, job, name);
      else await finishJob(database, job, name, result);
    } catch (error) {
      options.onError?.(error, job);
      const message = error instanceof Error ? error.message : String(error);
      if (job.attempts >= attemptsMax) {
        await giveUp(job, message);
      } else {
        const delayMs = jobRetryDelayMs(job.attempts, options.retryDelayFirstMs ?? jobRetryDelayFirstMs);
        await database.transaction(async (transaction) => {
          if (await backOffJob(transaction, job, name, delayMs, message)) await handler.retrying(transaction, job, message, delayMs);
        });
      }
    }
  };

  const loop = (async () => {
    while (!stopping) {
      let job: ClaimedJob | null = null;
      try {
        job = await claimJob(database, name, leaseMs);
        if (job) {
          await runOne(job);
          continue;
        }
      } catch (error) {
        if (stopping) break;
        options.onError?.(error, job ?? { organisationId: 0n, jobId: 0n, kind: 'reconcile', runId: null, attempts: 0 });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollIntervalMs ?? jobPollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();

  return {
    name,
    async stop() {
      stopping = true;
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
