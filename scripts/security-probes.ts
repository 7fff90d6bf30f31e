/**
 * A handful of issue 9's attacker probes against a running Tally server, each printed as held or
 * failed. Usage:
 *   node --import tsx scripts/security-probes.ts <base url> <organisation slug> <owner API token>
 * e.g. node --import tsx scripts/security-probes.ts http://localhost:3000 demo tly_…
 * It writes nothing (previews only) and exits 1 when a probe failed.
 */
const [base, slug, token] = process.argv.slice(2);
if (!base || !slug || !token) {
  process.stderr.write('usage: security-probes.ts <base url> <organisation slug> <owner API token>\n');
  process.exit(64);
}
const organisation = `${base}/api/v1/orgs/${slug}`;
const authorised = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

interface Probe {
  readonly name: string;
  run(): Promise<string | null>; // null when held, else what failed
}

const probes: Probe[] = [
  {
    name: 'the page sends CSP, nosniff, frame protection and Referrer-Policy',
    async run() {
      const answer = await fetch(`${base}/`);
      const missing = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'].filter((name) => !answer.headers.get(name));
      const policy = answer.headers.get('content-security-policy') ?? '';
      if (missing.length > 0) return `missing ${missing.join(', ')}`;
      if (!policy.includes("frame-ancestors 'none'") || /script-src[^;]*unsafe/.test(policy)) return `weak policy: ${policy}`;
      return null;
    },
  },
  {
    name: 'an API answer is not sniffed or framed',
    async run() {
      const answer = await fetch(`${organisation}/accounts`, { headers: authorised });
      return answer.headers.get('x-content-type-options') === 'nosniff' && answer.headers.get('x-frame-options') === 'DENY' ? null : 'headers missing on the API';
    },
  },
  {
    name: 'twelve concurrent previews of one organisation: the extra ones get 429 with Retry-After',
    async run() {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => fetch(`${organisation}/runs`, { method: 'POST', headers: authorised, body: JSON.stringify({ scope: { all: true }, dry_run: true }) })),
      );
      const refused = answers.filter((answer) => answer.status === 429);
      // On PGlite, or with a small organisation, each preview may end before the next is admitted.
      if (refused.length === 0) return answers.every((answer) => answer.status === 200) ? 'not shown: every preview ended before the bound was reached' : `answered ${[...new Set(answers.map((answer) => answer.status))].join('/')}`;
      return refused.every((answer) => Number(answer.headers.get('retry-after')) > 0) ? null : '429 without Retry-After';
    },
  },
  {
    name: 'JSON nested 10,000 levels deep is refused with 400 before any work',
    async run() {
      const answer = await fetch(`${organisation}/accounts`, { method: 'POST', headers: authorised, body: `${'['.repeat(10_000)}${']'.repeat(10_000)}` });
      return answer.status === 400 ? null : `answered ${answer.status}`;
    },
  },
  {
    name: 'another organisation is not revealed (404, not 403)',
    async run() {
      const answer = await fetch(`${base}/api/v1/orgs/${slug}-someone-else/accounts`, { headers: authorised });
      return answer.status === 404 ? null : `answered ${answer.status}`;
    },
  },
  {
    name: 'a body over the limit is refused with 413',
    async run() {
      const answer = await fetch(`${organisation}/accounts`, { method: 'POST', headers: authorised, body: JSON.stringify({ account_id: 'x'.repeat(2 * 1_048_576) }) });
      return answer.status === 413 ? null : `answered ${answer.status}`;
    },
  },
];

let failed = 0;
for (const probe of probes) {
  let outcome: string | null;
  try {
    outcome = await probe.run();
  } catch (error) {
    outcome = `error: ${error instanceof Error ? error.message : String(error)}`;
  }
  const notShown = outcome?.startsWith('not shown') ?? false;
  if (outcome && !notShown) failed += 1;
  process.stdout.write(`${notShown ? 'n/a   ' : outcome ? 'FAILED' : 'held  '}  ${probe.name}${outcome ? ` — ${outcome}` : ''}\n`);
}
process.exit(failed > 0 ? 1 : 0);
