import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseUnavailableError } from './database.ts';

/**
 * PGlite serves one process at a time: two processes opening the same data directory each run their
 * own PostgreSQL over the same files, and what one writes the other never sees (a `tally reconcile`
 * run beside `npm start` reported its allocations and lost them). So the embedded engine takes the
 * directory for itself with a lock file naming its process; another process is refused with a
 * sentence saying what to do. A lock left by a process that died (kill -9, a crash) is taken over.
 */
export const dataDirectoryLockFileName = 'tally.lock';

export interface DataDirectoryLock {
  release(): void;
}

function processIsAlive(processId: number): boolean {
  try {
    process.kill(processId, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(lockPath: string): number | null {
  try {
    const processId = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
    return Number.isSafeInteger(processId) && processId > 0 ? processId : null;
  } catch {
    return null;
  }
}

export function lockDataDirectory(dataDirectory: string): DataDirectoryLock {
  const lockPath = join(dataDirectory, dataDirectoryLockFileName);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const descriptor = openSync(lockPath, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (holderOf(lockPath) === process.pid) rmSync(lockPath, { force: true });
      };
      process.once('exit', release);
      return {
        release() {
          process.removeListener('exit', release);
          release();
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = holderOf(lockPath);
      if (holder !== null && processIsAlive(holder)) {
        throw new DatabaseUnavailableError(new Error(
          `the data directory ${dataDirectory} is in use by another Tally process (pid ${holder}); the embedded database serves one process at a time: stop that process first (Ctrl-C on npm start), use the HTTP API while it runs, or use PostgreSQL (DATABASE_URL)`,
        ));
      }
      // Left by a process that is gone: take it over.
      rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseUnavailableError(new Error(`the data directory ${dataDirectory} could not be locked (${lockPath})`));
}
