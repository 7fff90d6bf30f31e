/** What the benchmark scripts share: where the PostgreSQL server is, and how progress is logged. */

/** The server benchmarks create their databases on: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local one. */
export function benchServerUrl(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.BENCH_DATABASE_URL || environment.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Progress on standard error, stamped with the time of day, so standard output holds only the figures. */
export function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}
