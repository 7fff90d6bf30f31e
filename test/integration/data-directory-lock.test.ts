import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../src/storage/database.ts';
import { dataDirectoryLockFileName } from '../../src/storage/data-directory-lock.ts';
import { openPgliteDatabase } from '../../src/storage/pglite-database.ts';

/**
 * The embedded database serves one process at a time: a second opener of the same data directory
 * is refused with what to do, instead of running its own PostgreSQL over the same files and losing
 * what it writes (a `tally reconcile` beside `npm start` once reported allocations that vanished).
 */
describe('the PGlite data directory', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tally-lock-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('is held by its opener, refused to another opener with what to do, and free again once closed', async () => {
    const first = await openPgliteDatabase(directory);
    try {
      const second = openPgliteDatabase(directory);
      await expect(second).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(openPgliteDatabase(directory)).rejects.toThrow(/in use by another Tally process \(pid \d+\).*stop that process first/);
      expect(await first.query<{ one: number }>('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await first.close();
    }
    expect(existsSync(join(directory, dataDirectoryLockFileName))).toBe(false);
    const again = await openPgliteDatabase(directory);
    await again.close();
  }, 60_000);

  it('is taken over from a process that died holding it', async () => {
    // A process that has ended: its pid names no live process (a lock left by kill -9).
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(join(directory, dataDirectoryLockFileName), `${ended.stdout}\n`);
    const database = await openPgliteDatabase(directory);
    await database.close();
  }, 60_000);
});
