import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refusalCatalogue } from '../../src/core/refusal-codes.ts';
import { errorDocsPath, renderErrorDocs } from '../../scripts/error-docs.ts';

describe('error catalogue', () => {
  const document = readFileSync(errorDocsPath, 'utf8');

  it('docs/errors.md is up to date with the catalogue (run npm run docs:generate)', () => {
    expect(document).toBe(renderErrorDocs());
  });

  it('lists every code exactly once, with its kind', () => {
    const documented = [...document.matchAll(/^\| `([a-z0-9_]+)` \| ([a-z_]+) \|/gm)].map((match) => [match[1]!, match[2]!]);
    expect(documented).toEqual(Object.entries(refusalCatalogue).map(([code, entry]) => [code, entry.kind]));
  });
});
