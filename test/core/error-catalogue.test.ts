import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refusalCatalogue } from '../../src/core/refusal-codes.ts';

describe('error catalogue', () => {
  const document = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Map([...document.matchAll(/^\| `([a-z0-9_]+)` \| ([a-z_]+) \|/gm)].map((match) => [match[1]!, match[2]!]));

  it('documents every code of the catalogue with its kind', () => {
    for (const [code, entry] of Object.entries(refusalCatalogue)) expect([code, documented.get(code)]).toEqual([code, entry.kind]);
  });

  it('documents no code the catalogue does not have', () => {
    expect([...documented.keys()].filter((code) => !(code in refusalCatalogue))).toEqual([]);
  });
});
