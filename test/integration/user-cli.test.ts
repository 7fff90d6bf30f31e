import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../src/cli/exit-codes.ts';
import { csvFixtures } from '../fixtures/csv/csv-fixtures.ts';

/** Each run starts Node, tsx and the embedded database; on a busy machine that takes seconds. */
const cliTestTimeoutMs = 180_000;
const tallyBin = fileURLToPath(new URL('../../bin/tally.js', import.meta.url));

function tally(dataDirectory: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tallyBin, ...args], { env: { ...process.env, TALLY_DATA: dataDirectory, DATABASE_URL: '', TALLY_ACTOR: 'cli-test' } }, (error, stdout, stderr) => {
      resolve({ exitCode: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('tally user, end to end', () => {
  let dataDirectory: string;
  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'tally-user-cli-'));
  });
  afterAll(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('invites an email and prints the link once; adds an existing user without checking or changing their password; refuses a common password', async () => {
    expect((await tally(dataDirectory, ['import', csvFixtures.happyLedger, '--org', 'swim-club', '--currency', 'CAD'])).exitCode).toBe(exitCodes.ok);
    const invited = await tally(dataDirectory, ['user', 'invite', '--org', 'swim-club', '--email', ' Coach@Example.org\u200b', '--role', 'viewer', '--base-url', 'https://tally.example/']);
    expect([invited.exitCode, invited.stderr]).toEqual([exitCodes.ok, '']);
    expect(invited.stdout).toMatch(/^Invited coach@example\.org as viewer of swim-club until \S+\.\nPass on this link \(shown once\): https:\/\/tally\.example\/invitation#tly_invite_\S+\n$/);

    const common = await tally(dataDirectory, ['user', 'create', '--org', 'swim-club', '--email', 'owner@example.org', '--password', 'password123', '--role', 'owner']);
    expect(common.exitCode).not.toBe(exitCodes.ok);
    expect(common.stderr).toContain('most common');
    expect((await tally(dataDirectory, ['user', 'create', '--org', 'swim-club', '--email', 'owner@example.org', '--password', 'maple syrup on a snowy tuesday', '--role', 'owner'])).stdout).toBe('Created owner@example.org as owner of swim-club.\n');
    // Added again with any password: the user is there already, so it is neither checked nor changed.
    expect((await tally(dataDirectory, ['user', 'create', '--org', 'swim-club', '--email', 'OWNER@example.org', '--password', 'not their password at all', '--role', 'owner'])).stdout).toBe('Added owner@example.org as owner of swim-club.\n');
  }, cliTestTimeoutMs);
});
