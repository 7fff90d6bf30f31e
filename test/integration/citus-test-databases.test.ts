import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serverDialects } from '../support/dialects.ts';

const citus = serverDialects.find((server) => server.name === 'citus');
/** More than the test files vitest starts at once: without turns, six at once collided about one run in two. */
const databasesAtOnce = 6;
const activeWorkers = `select count(*)::int as workers from pg_dist_node where groupid <> 0 and noderole = 'primary' and isactive`;

/**
 * Test files open their Citus databases at the same moment (one per vitest worker): each must come
 * out with every worker of the cluster added, whatever the others are doing at that moment.
 */
describe.skipIf(!citus)('Citus test databases opened at once', () => {
  it('each gets every worker of the cluster', async () => {
    const maintenance = new pg.Client({ connectionString: citus!.serverUrl });
    await maintenance.connect();
    const clusterWorkers = (await maintenance.query<{ workers: number }>(activeWorkers)).rows[0]!.workers;
    await maintenance.end();

    const opened = await Promise.allSettled(Array.from({ length: databasesAtOnce }, () => citus!.open(1, { schema: false })));
    try {
      expect(opened.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []))).toEqual([]);
      for (const outcome of opened) {
        if (outcome.status !== 'fulfilled') continue;
        const [nodes] = await outcome.value.database.query<{ workers: number }>(activeWorkers);
        expect(nodes!.workers).toBe(clusterWorkers);
      }
    } finally {
      for (const outcome of opened) if (outcome.status === 'fulfilled') await outcome.value.drop();
    }
  }, 120_000);
});
