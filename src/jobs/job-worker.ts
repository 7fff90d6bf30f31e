import type { Database, SqlExecutor } from '../storage/database.ts';
import { claimJob, finishJob, jobAttemptsMax, jobLeaseMs, jobPollIntervalMs, newWorkerName, releaseJob, holdsLease, type ClaimedJob } from './job-queue.ts';

/** What a job handler may ask of the worker running it. */
export interface JobControl {
  readonly worker: string;
  /** True once the process is shutting down: finish the current unit of work and return 'stopped'. */
  stopping(): boolean;
  /** Call inside each unit of work's transaction; returns false (roll back!) if the lease was lost. */
  holdsLease(transaction: SqlExecutor): Promise<{ held: boolean; cancelRequested: boolean }>;
}

export type JobResult = 'completed' | 'cancelled' | 'stopped';
export type JobHandler = (job: ClaimedJob, control: JobControl) => Promise<JobResult>;

export interface JobWorkerOptions {
  readonly leaseMs?: number;
  readonly pollIntervalMs?: number;
  readonly onError?: (error: unknown, job: ClaimedJob) => void;
  /** Called when a job fails for good, to mark what it was working on as failed. */
  readonly onFailed?: (job: ClaimedJob, message: string) => Promise<void>;
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
  let stopping = false;
  let wake: (() => void) | null = null;

  const runOne = async (job: ClaimedJob) => {
    const control: JobControl = { worker: name, stopping: () => stopping, holdsLease: (transaction) => holdsLease(transaction, job, name, leaseMs) };
    try {
      const result = await handler(job, control);
      if (result === 'stopped') await releaseJob(database, job, name);
      else await finishJob(database, job, name, result);
    } catch (error) {
      options.onError?.(error, job);
      const message = error instanceof Error ? error.message : String(error);
      if (job.attempts >= jobAttemptsMax) {
        await finishJob(database, job, name, 'failed', message);
        await options.onFailed?.(job, message);
      } else {
        // Let the lease run out rather than retrying at once: a poison job then cannot spin.
        await database.query('update job set error = $3 where org_id = $1 and id = $2', [job.organisationId, job.jobId, message]);
      }
    }
  };

  const loop = (async () => {
    while (!stopping) {
      let job: ClaimedJob | null = null;
      try {
        job = await claimJob(database, name, leaseMs);
      } catch (error) {
        if (stopping) break;
        options.onError?.(error, { organisationId: 0n, jobId: 0n, kind: 'reconcile', runId: null, attempts: 0 });
      }
      if (job) {
        // runOne's own error path writes to the database; if that fails too (the database is
        // gone), the loop must live on rather than reject and end the process.
        const claimed = job;
        await runOne(claimed).catch((error: unknown) => options.onError?.(error, claimed));
        continue;
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
