import { describe, expect, it } from 'vitest';
import { explainOpen, openReasonMessages, openReasons, type OpenReason } from '../../src/core/open-explanation.ts';

describe('explainOpen', () => {
  it.each([
    [0n, 0n, 'in_agreement'],
    [500n, 0n, 'credit_on_account'],
    [1n, 0n, 'credit_on_account'],
    [0n, 500n, 'balance_owing'],
    [0n, 1n, 'balance_owing'],
    [1n, 1n, 'unreconciled'],
    [300n, 200n, 'unreconciled'],
  ] as [bigint, bigint, OpenReason][])('open credits %s and open debits %s: %s', (openCreditMinor, openDebitMinor, reason) => {
    expect(explainOpen(openCreditMinor, openDebitMinor)).toBe(reason);
  });

  it('says the two reasons of the help-centre articles in their words', () => {
    expect(openReasonMessages.credit_on_account).toBe('Credit on account, no open charges left.');
    expect(openReasonMessages.balance_owing).toBe('Balance owing, no unallocated credits left.');
    expect(Object.keys(openReasonMessages).sort()).toEqual([...openReasons].sort());
  });
});
